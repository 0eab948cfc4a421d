//! A raw TCP "web server" that misbehaves on purpose: one listener per behaviour on
//! 127.0.0.1 (so per-host request limits never serialise two behaviours), speaking
//! just enough HTTP/1.1 to hurt. Nothing here allocates a body larger than a few
//! hundred KB: big bodies are streamed from a small reused buffer.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What a server does with every request it gets.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// A complete response: status line, extra headers, body (Content-Length set).
    Respond {
        status: &'static str,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// Accept, read the request, never answer (until the client goes away).
    Hang,
    /// Send the response headers at once, then the body one byte every `every`.
    Drip { len: usize, every: Duration },
    /// Send the status line and headers one byte every `every`.
    DripHeaders { every: Duration },
    /// A body of `len` zero bytes, streamed; with or without a `Content-Length`
    /// (without: `Transfer-Encoding: chunked`).
    Huge { len: u64, content_length: bool },
    /// A small gzip body (`Content-Encoding: gzip`) that inflates to [`BOMB_SIZE`].
    GzipBomb,
    /// `302` back to the same path, forever.
    RedirectLoop,
    /// `Content-Length: claimed`, then only `body`, then close.
    Truncated { claimed: usize, body: Vec<u8> },
}

impl Behaviour {
    /// `200 OK` with `content_type` and `body`.
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Behaviour {
        Behaviour::Respond {
            status: "200 OK",
            headers: vec![("Content-Type", content_type.to_string())],
            body: body.into(),
        }
    }

    /// An error status with a small HTML page.
    pub fn status(status: &'static str, headers: Vec<(&'static str, String)>) -> Behaviour {
        let mut headers = headers;
        headers.push(("Content-Type", "text/html".to_string()));
        Behaviour::Respond {
            status,
            headers,
            body: format!("<html><body><h1>{status}</h1></body></html>").into_bytes(),
        }
    }
}

/// A running misbehaving server; stops accepting when dropped.
pub struct Hostile {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Hostile {
    /// Binds 127.0.0.1:0 and serves `behaviour` on every connection.
    pub async fn start(behaviour: Behaviour) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let behaviour = Arc::new(behaviour);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let behaviour = Arc::clone(&behaviour);
                tokio::spawn(async move {
                    // The client hanging up half-way is the normal end of most of these.
                    let _ = serve(stream, &behaviour).await;
                });
            }
        });
        Hostile { addr, task }
    }

    /// `http://127.0.0.1:PORT/path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A URL on 127.0.0.1 where nothing listens (bound, then released).
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("local addr");
    drop(listener);
    format!("http://{addr}/feed.xml")
}

/// Reads the request head (bounded), returning the request path.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 || head.len() > 64 * 1024 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
    Ok(path)
}

/// Waits until the client closes the connection (or 60 s pass).
async fn until_closed(stream: &mut TcpStream) {
    let mut buf = [0u8; 256];
    let _ = tokio::time::timeout(Duration::from_secs(60), async {
        while let Ok(n) = stream.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}

async fn serve(mut stream: TcpStream, behaviour: &Behaviour) -> std::io::Result<()> {
    loop {
        let path = read_request(&mut stream).await?;
        match behaviour {
            Behaviour::Respond {
                status,
                headers,
                body,
            } => {
                let mut head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                stream.write_all(head.as_bytes()).await?;
                stream.write_all(body).await?;
                // Keep-alive: loop for the next request on this connection.
            }
            Behaviour::Hang => {
                until_closed(&mut stream).await;
                return Ok(());
            }
            Behaviour::Drip { len, every } => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {len}\r\n\r\n"
                );
                stream.write_all(head.as_bytes()).await?;
                for _ in 0..*len {
                    stream.write_all(b"<").await?;
                    stream.flush().await?;
                    tokio::time::sleep(*every).await;
                }
                return Ok(());
            }
            Behaviour::DripHeaders { every } => {
                let head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\nContent-Length: 0\r\n\r\n";
                for byte in head {
                    stream.write_all(&[*byte]).await?;
                    stream.flush().await?;
                    tokio::time::sleep(*every).await;
                }
                return Ok(());
            }
            Behaviour::Huge {
                len,
                content_length,
            } => {
                let framing = if *content_length {
                    format!("Content-Length: {len}")
                } else {
                    "Transfer-Encoding: chunked".to_string()
                };
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n{framing}\r\n\r\n"
                );
                stream.write_all(head.as_bytes()).await?;
                let block = vec![b' '; 64 * 1024];
                let mut left = *len;
                while left > 0 {
                    let n = left.min(block.len() as u64) as usize;
                    if *content_length {
                        stream.write_all(&block[..n]).await?;
                    } else {
                        stream.write_all(format!("{n:x}\r\n").as_bytes()).await?;
                        stream.write_all(&block[..n]).await?;
                        stream.write_all(b"\r\n").await?;
                    }
                    left -= n as u64;
                }
                if !*content_length {
                    stream.write_all(b"0\r\n\r\n").await?;
                }
                return Ok(());
            }
            Behaviour::GzipBomb => {
                let bomb = gzip_bomb();
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
                    bomb.len()
                );
                stream.write_all(head.as_bytes()).await?;
                stream.write_all(bomb).await?;
            }
            Behaviour::RedirectLoop => {
                let head =
                    format!("HTTP/1.1 302 Found\r\nLocation: {path}\r\nContent-Length: 0\r\n\r\n");
                stream.write_all(head.as_bytes()).await?;
            }
            Behaviour::Truncated { claimed, body } => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {claimed}\r\n\r\n"
                );
                stream.write_all(head.as_bytes()).await?;
                stream.write_all(body).await?;
                stream.flush().await?;
                stream.shutdown().await?;
                return Ok(());
            }
        }
    }
}

/// How many bytes the gzip bomb inflates to: 64 MiB + 1 (about 420 KB on the wire).
pub const BOMB_SIZE: u64 = 1 + 258 * 260_100;

/// A valid gzip member of [`BOMB_SIZE`] zero bytes, built once with a tiny DEFLATE
/// encoder: one fixed-Huffman block holding a literal zero, then length-258 /
/// distance-1 back references (13 bits each), then end-of-block.
pub fn gzip_bomb() -> &'static [u8] {
    static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
    BOMB.get_or_init(|| {
        let matches = (BOMB_SIZE - 1) / 258;
        let mut bits = BitWriter::default();
        bits.bits(1, 1); // BFINAL
        bits.bits(0b01, 2); // BTYPE = fixed Huffman
        bits.code(0x30, 8); // literal 0
        for _ in 0..matches {
            bits.code(0xC5, 8); // length code 285 = 258
            bits.code(0, 5); // distance code 0 = 1
        }
        bits.code(0, 7); // end of block (256)
        let deflate = bits.finish();
        let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
        out.extend_from_slice(&deflate);
        out.extend_from_slice(&crc32_of_zeros(BOMB_SIZE).to_le_bytes());
        out.extend_from_slice(&(BOMB_SIZE as u32).to_le_bytes());
        out
    })
}

#[derive(Default)]
struct BitWriter {
    out: Vec<u8>,
    acc: u32,
    used: u32,
}

impl BitWriter {
    /// `count` bits of `value`, least significant first (header fields, extra bits).
    fn bits(&mut self, value: u32, count: u32) {
        for i in 0..count {
            self.acc |= ((value >> i) & 1) << self.used;
            self.used += 1;
            if self.used == 8 {
                self.out.push(self.acc as u8);
                self.acc = 0;
                self.used = 0;
            }
        }
    }

    /// A Huffman code of `count` bits, most significant first.
    fn code(&mut self, code: u32, count: u32) {
        for i in (0..count).rev() {
            self.bits((code >> i) & 1, 1);
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.used > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// CRC-32 (IEEE) of `len` zero bytes, in O(log len): feeding zeros is a linear map on
/// the register, so square its matrix (zlib's `crc32_combine` trick).
fn crc32_of_zeros(len: u64) -> u32 {
    fn times(matrix: &[u32; 32], vector: u32) -> u32 {
        let mut sum = 0;
        for (i, column) in matrix.iter().enumerate() {
            if vector >> i & 1 == 1 {
                sum ^= column;
            }
        }
        sum
    }
    fn square(matrix: &[u32; 32]) -> [u32; 32] {
        std::array::from_fn(|i| times(matrix, matrix[i]))
    }
    // The operator for one zero *bit* of the reflected CRC.
    let mut op: [u32; 32] =
        std::array::from_fn(|i| if i == 0 { 0xEDB8_8320 } else { 1 << (i - 1) });
    // Three squarings: one zero byte.
    for _ in 0..3 {
        op = square(&op);
    }
    let mut crc = 0xFFFF_FFFFu32;
    let mut n = len;
    while n > 0 {
        if n & 1 == 1 {
            crc = times(&op, crc);
        }
        op = square(&op);
        n >>= 1;
    }
    crc ^ 0xFFFF_FFFF
}

#[test]
fn crc_of_zeros_matches_a_plain_crc() {
    fn plain(len: usize) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for _ in 0..len {
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    for len in [0, 1, 2, 3, 7, 1000, 1033] {
        assert_eq!(crc32_of_zeros(len as u64), plain(len), "len {len}");
    }
    // python3 -c 'import zlib; print(zlib.crc32(bytes(1 + 258 * 4)))'
    assert_eq!(crc32_of_zeros(1 + 258 * 4), 1_242_067_439);
}
