//! A loopback TCP proxy that counts what the client sends: each `read` of client bytes is one burst. On
//! loopback a small request arrives in one read, so the count is the number of requests (round trips).
//! sqlx pings every pooled connection as it goes back to the pool (PostgreSQL `Sync`, MySQL `COM_PING`, in a
//! task after the caller is done); those 5-byte bursts are counted apart.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// A running proxy: connect to `port` instead of the server.
#[derive(Debug)]
pub struct Proxy {
    pub port: u16,
    sent: Arc<AtomicUsize>,
    pings: Arc<AtomicUsize>,
}

impl Proxy {
    /// Proxies every connection on a fresh loopback port to `target`.
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let sent = Arc::new(AtomicUsize::new(0));
        let pings = Arc::new(AtomicUsize::new(0));
        let (counter, ping_counter) = (Arc::clone(&sent), Arc::clone(&pings));
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (counter, ping_counter) = (Arc::clone(&counter), Arc::clone(&ping_counter));
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(target).await else { return };
                    let (mut client_read, mut client_write) = client.into_split();
                    let (mut server_read, mut server_write) = server.into_split();
                    let upstream = async {
                        let mut buf = vec![0u8; 64 * 1024];
                        while let Ok(n) = client_read.read(&mut buf).await {
                            if n == 0 || server_write.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                            // PostgreSQL Sync `S 0 0 0 4`; MySQL COM_PING: length 1, sequence 0, command 0x0e.
                            let ping = buf[..n] == *b"S\0\0\0\x04" || buf[..n] == *b"\x01\0\0\0\x0e";
                            if ping { &ping_counter } else { &counter }.fetch_add(1, Ordering::SeqCst);
                            if std::env::var_os("PM_PROXY_DEBUG").is_some() {
                                eprintln!("proxy: {n} bytes: {:?}", String::from_utf8_lossy(&buf[..n.min(120)]));
                            }
                        }
                        let _ = server_write.shutdown().await;
                    };
                    let downstream = async {
                        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
                        let _ = client_write.shutdown().await;
                    };
                    tokio::join!(upstream, downstream);
                });
            }
        });
        Self { port, sent, pings }
    }

    /// Client requests so far, pings apart.
    pub fn sent(&self) -> usize {
        self.sent.load(Ordering::SeqCst)
    }

    /// sqlx's release pings so far.
    pub fn pings(&self) -> usize {
        self.pings.load(Ordering::SeqCst)
    }
}

/// The URL with its host and port replaced by the proxy's.
pub fn via(url: &str, proxy: &Proxy) -> String {
    let mut u = url::Url::parse(url).unwrap();
    u.set_host(Some("127.0.0.1")).unwrap();
    u.set_port(Some(proxy.port)).unwrap();
    u.to_string()
}

/// The server address of a URL.
pub fn target(url: &str) -> SocketAddr {
    let u = url::Url::parse(url).unwrap();
    let host = u.host_str().unwrap();
    let host = if host == "localhost" { "127.0.0.1" } else { host };
    format!("{host}:{}", u.port_or_known_default().unwrap()).parse().unwrap()
}
