//! serve-load ADDR QUERIES --clients N --seconds S [--limit N]: N clients, each on its own
//! keep-alive connection, send `GET /api/search?q=…&limit=…` for the queries of QUERIES
//! (`qid<TAB>text` lines) in turn, each client starting at its own place in the list, for S
//! seconds after one untimed round. Prints one JSON object: clients, requests, errors (any
//! answer but 200, or a broken connection), requests per second, and latency percentiles
//! (p50, p90, p99, max; ms, nearest rank).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

struct Args {
    addr: String,
    queries: Vec<String>,
    clients: usize,
    seconds: f64,
    limit: usize,
}

fn args() -> Result<Args, String> {
    let mut argv = std::env::args().skip(1);
    let addr = argv
        .next()
        .ok_or("usage: serve-load ADDR QUERIES --clients N --seconds S [--limit N]")?;
    let file = argv.next().ok_or("no QUERIES file")?;
    let text = std::fs::read_to_string(&file).map_err(|err| format!("{file}: {err}"))?;
    let queries = text
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(_, query)| query.trim().to_string())
        .filter(|query| !query.is_empty())
        .collect::<Vec<_>>();
    if queries.is_empty() {
        return Err(format!("{file}: no qid<TAB>query lines"));
    }
    let (mut clients, mut seconds, mut limit) = (1, 10.0, 10);
    while let Some(flag) = argv.next() {
        let value = argv.next().ok_or(format!("{flag} needs a value"))?;
        let bad = format!("{flag} {value}: not a number");
        match flag.as_str() {
            "--clients" => clients = value.parse().map_err(|_| bad)?,
            "--seconds" => seconds = value.parse().map_err(|_| bad)?,
            "--limit" => limit = value.parse().map_err(|_| bad)?,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(Args {
        addr,
        queries,
        clients,
        seconds,
        limit,
    })
}

/// A query as a URL's query string needs it.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// One keep-alive connection.
struct Client {
    addr: String,
    reader: Option<BufReader<TcpStream>>,
}

impl Client {
    /// Sends one request and reads its answer; `Ok(status)`, or an error for a broken
    /// connection (the next request reconnects).
    fn get(&mut self, target: &str) -> Result<u16, String> {
        if self.reader.is_none() {
            let stream = TcpStream::connect(&self.addr).map_err(|err| err.to_string())?;
            stream.set_nodelay(true).map_err(|err| err.to_string())?;
            stream
                .set_read_timeout(Some(Duration::from_secs(30)))
                .map_err(|err| err.to_string())?;
            self.reader = Some(BufReader::new(stream));
        }
        let result = self.exchange(target);
        if result.is_err() {
            self.reader = None;
        }
        result
    }

    fn exchange(&mut self, target: &str) -> Result<u16, String> {
        let reader = self.reader.as_mut().ok_or("not connected")?;
        let request = format!("GET {target} HTTP/1.1\r\nHost: {}\r\n\r\n", self.addr);
        reader
            .get_mut()
            .write_all(request.as_bytes())
            .map_err(|err| err.to_string())?;
        let mut line = String::new();
        reader.read_line(&mut line).map_err(|err| err.to_string())?;
        let status = line
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| format!("no status line: {line:?}"))?;
        let mut length = None;
        let mut close = false;
        loop {
            line.clear();
            reader.read_line(&mut line).map_err(|err| err.to_string())?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
                if name == "content-length" {
                    length = value.parse::<usize>().ok();
                } else if name == "connection" && value.eq_ignore_ascii_case("close") {
                    close = true;
                }
            }
        }
        let length = length.ok_or("no content-length")?;
        let mut body = vec![0; length];
        reader
            .read_exact(&mut body)
            .map_err(|err| err.to_string())?;
        if close {
            self.reader = None;
        }
        Ok(status)
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn main() {
    let args = match args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("serve-load: {message}");
            std::process::exit(2);
        }
    };
    let targets: Vec<String> = args
        .queries
        .iter()
        .map(|query| format!("/api/search?q={}&limit={}", encoded(query), args.limit))
        .collect();
    // One untimed round, so every query's pages are in the cache.
    let mut warm = Client {
        addr: args.addr.clone(),
        reader: None,
    };
    for target in &targets {
        if let Err(err) = warm.get(target) {
            eprintln!("serve-load: warm-up: {err}");
            std::process::exit(1);
        }
    }
    drop(warm);
    let duration = Duration::from_secs_f64(args.seconds);
    let started = Instant::now();
    let threads: Vec<_> = (0..args.clients)
        .map(|i| {
            let targets = targets.clone();
            let addr = args.addr.clone();
            let offset = i * targets.len() / args.clients.max(1);
            std::thread::spawn(move || {
                let mut client = Client { addr, reader: None };
                let (mut times, mut errors) = (Vec::new(), 0usize);
                let mut k = offset;
                while started.elapsed() < duration {
                    let target = &targets[k % targets.len()];
                    k += 1;
                    let sent = Instant::now();
                    match client.get(target) {
                        Ok(200) => times.push(sent.elapsed().as_secs_f64() * 1000.0),
                        Ok(status) => {
                            errors += 1;
                            eprintln!("serve-load: {status} for {target}");
                        }
                        Err(err) => {
                            errors += 1;
                            eprintln!("serve-load: {err} for {target}");
                        }
                    }
                }
                (times, errors)
            })
        })
        .collect();
    let (mut times, mut errors) = (Vec::new(), 0);
    for thread in threads {
        let (t, e) = thread.join().expect("a client thread");
        times.extend(t);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{{\"clients\":{},\"requests\":{},\"errors\":{},\"seconds\":{:.2},\"rps\":{:.1},\"p50_ms\":{:.2},\"p90_ms\":{:.2},\"p99_ms\":{:.2},\"max_ms\":{:.2}}}",
        args.clients,
        times.len() + errors,
        errors,
        elapsed,
        times.len() as f64 / elapsed,
        percentile(&times, 0.50),
        percentile(&times, 0.90),
        percentile(&times, 0.99),
        times.last().copied().unwrap_or(0.0),
    );
}
