//! The doc store as newsdex checks it before tantivy trusts it: where a `.store` file's
//! compressed blocks end (its footers say), and whether a block's header agrees with the zstd
//! frame it heads.
//!
//! tantivy reads no checksum when it reads, and takes the 4-byte length that starts each
//! doc-store block as the size to allocate before decompressing it: a damaged header made it
//! ask for 4 GiB, and the allocator abort the process. The zstd frame after the header records
//! its content size too; the two agree in every block tantivy writes, and damage to either
//! makes them differ, so a block whose two sizes differ is refused before tantivy sees it.
//! The check is a header parse per block read. This module judges bytes it is given; it opens
//! no file (see `watched`).

use std::io;
use std::ops::Range;

use tantivy::directory::OwnedBytes;

/// The last 4 bytes of every tantivy file.
const FOOTER_MAGIC: u32 = 1337;
/// The longest footer tantivy writes (its JSON part).
const FOOTER_MAX_LEN: usize = 50_000;
/// The doc store's own footer, before tantivy's: version (4 bytes), where the blocks end (8),
/// the compressor's id (1), 15 reserved.
const STORE_FOOTER_LEN: usize = 28;
/// tantivy's ids for the compressors it can have written.
const NONE: u8 = 0;
const LZ4: u8 = 1;
const ZSTD: u8 = 4;

/// Where a doc-store file's blocks end, and whether they are zstd frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub blocks_end: usize,
    pub zstd: bool,
}

/// Damage found in a file: `InvalidData`, which `fault` counts as damage.
pub fn damaged(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut word = [0; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(word)
}

/// The layout of a `.store` file of `len` bytes, from its footers, read with `read` (a range
/// of the file's bytes). `shown` names the file in messages.
pub fn layout(
    len: usize,
    read: impl Fn(Range<usize>) -> io::Result<OwnedBytes>,
    shown: &str,
) -> io::Result<Layout> {
    let bad = |what: &str| {
        damaged(format!(
            "the doc-store footer of {shown} is damaged ({what})"
        ))
    };
    if len < 8 {
        return Err(bad("the file is cut short"));
    }
    let tail = read(len - 8..len)?;
    let (footer_len, magic) = (u32_at(&tail, 0) as usize, u32_at(&tail, 4));
    if magic != FOOTER_MAGIC || footer_len > FOOTER_MAX_LEN {
        return Err(bad("its last bytes are not a tantivy footer"));
    }
    let Some(store_footer_at) = len.checked_sub(8 + footer_len + STORE_FOOTER_LEN) else {
        return Err(bad("the file is cut short"));
    };
    let footer = read(store_footer_at..store_footer_at + STORE_FOOTER_LEN)?;
    let version = u32_at(&footer, 0);
    let mut offset = [0; 8];
    offset.copy_from_slice(&footer[4..12]);
    let blocks_end = usize::try_from(u64::from_le_bytes(offset)).unwrap_or(usize::MAX);
    let compressor = footer[12];
    if !(1..=2).contains(&version) {
        return Err(bad(&format!("version {version}")));
    }
    if ![NONE, LZ4, ZSTD].contains(&compressor) {
        return Err(bad(&format!("compressor {compressor}")));
    }
    if blocks_end > store_footer_at {
        return Err(bad("its blocks would end past its index"));
    }
    Ok(Layout {
        blocks_end,
        zstd: compressor == ZSTD,
    })
}

/// Refuses a block (or a run of blocks) read at byte `start` whose header and zstd frame
/// disagree on its size.
pub fn check_block(bytes: &[u8], start: usize, shown: &str) -> io::Result<()> {
    let bad = |what: String| {
        damaged(format!(
            "doc-store block at byte {start} of {shown} is damaged ({what})"
        ))
    };
    if bytes.len() < 4 {
        return Err(bad("cut short".into()));
    }
    let declared = u64::from(u32_at(bytes, 0));
    match zstd_safe::get_frame_content_size(&bytes[4..]) {
        Ok(Some(size)) if size == declared => Ok(()),
        Ok(Some(size)) => Err(bad(format!(
            "its header says {declared} bytes, its zstd frame {size}"
        ))),
        Ok(None) | Err(_) => Err(bad("no zstd frame follows its header".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A block as tantivy writes it: the uncompressed size, then the zstd frame.
    fn block(text: &[u8]) -> Vec<u8> {
        let mut frame = Vec::with_capacity(1024);
        zstd_safe::compress(&mut frame, text, 3).expect("compress");
        let mut block = (text.len() as u32).to_le_bytes().to_vec();
        block.extend_from_slice(&frame);
        block
    }

    #[test]
    fn a_block_whose_header_or_frame_is_damaged_is_refused() {
        let good = block(b"Geneva talks resume on Monday, envoys said.");
        assert!(check_block(&good, 0, "s").is_ok());
        let mut header = good.clone();
        header[..4].copy_from_slice(&[0xFF; 4]);
        let err = check_block(&header, 0, "idx/a.store").expect_err("damaged header");
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("idx/a.store"), "{err}");
        let mut frame = good.clone();
        frame[4..8].copy_from_slice(&[0xFF; 4]);
        assert!(check_block(&frame, 0, "s").is_err());
        assert!(check_block(&good[..3], 0, "s").is_err());
    }
}
