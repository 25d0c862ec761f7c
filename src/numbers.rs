//! Numbers as people read them: `3321` as `3,321`. Shared by the library's messages (a
//! repair, a full disk, `check`) and the printers; it knows nothing of either.

/// `3321` as `3,321`.
pub fn thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(3321), "3,321");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
