//! An in-process HTTP server for endpoint faults a real node does not produce
//! (rate limits, HTML error pages, refused batches). Each request is passed to
//! a handler; the server fails the test if it was never hit.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Wait this long before answering (a hung endpoint: longer than any timeout).
    pub delay: Option<std::time::Duration>,
    /// Announce the whole body but send only this many bytes, then close.
    pub cut_at: Option<usize>,
    /// Read the request, answer nothing and close the connection.
    pub close: bool,
}

impl Reply {
    pub fn json(body: impl Into<String>) -> Reply {
        Reply::status(200, body)
    }

    pub fn status(status: u16, body: impl Into<String>) -> Reply {
        Reply {
            status,
            headers: vec![],
            body: body.into(),
            delay: None,
            cut_at: None,
            close: false,
        }
    }

    /// Reads the request and closes the connection without a word: what a
    /// client sees when a server closes a kept-alive connection (its idle
    /// timeout) just as the next request goes out on it.
    pub fn close() -> Reply {
        Reply {
            close: true,
            ..Reply::json("")
        }
    }

    /// Accepts the request and never answers (for the length of any test).
    pub fn hang() -> Reply {
        Reply {
            delay: Some(std::time::Duration::from_secs(600)),
            ..Reply::json("")
        }
    }

    /// `body` announced in full, cut after `at` bytes and the connection closed.
    pub fn truncated(body: impl Into<String>, at: usize) -> Reply {
        Reply {
            cut_at: Some(at),
            ..Reply::json(body)
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// One request as the fake saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header names lower-case.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// When the server had read it.
    pub at: std::time::Instant,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct FakeServer {
    pub url: String,
    hits: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl FakeServer {
    /// A fake whose handler sees the request body only (JSON-RPC).
    pub fn start(handler: impl Fn(&str) -> Reply + Send + Sync + 'static) -> FakeServer {
        FakeServer::serve(move |r| handler(&r.body))
    }

    /// A fake whose handler sees the whole request (REST APIs).
    pub fn serve(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler = Arc::new(handler);
        let (h, b) = (hits.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let (handler, hits, requests) = (handler.clone(), h.clone(), b.clone());
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    loop {
                        let mut length = 0usize;
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let mut parts = line.split_whitespace();
                        let method = parts.next().unwrap_or("").to_string();
                        let path = parts.next().unwrap_or("").to_string();
                        let mut headers = Vec::new();
                        loop {
                            line.clear();
                            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                                return;
                            }
                            if line == "\r\n" {
                                break;
                            }
                            if let Some((k, v)) = line.split_once(':') {
                                if k.eq_ignore_ascii_case("content-length") {
                                    length = v.trim().parse().unwrap_or(0);
                                }
                                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                            }
                        }
                        let mut body = vec![0; length];
                        if reader.read_exact(&mut body).is_err() {
                            return;
                        }
                        let body = String::from_utf8_lossy(&body).to_string();
                        hits.fetch_add(1, Ordering::SeqCst);
                        let request = Request {
                            method,
                            path,
                            headers,
                            body,
                            at: std::time::Instant::now(),
                        };
                        requests.lock().unwrap().push(request.clone());
                        let reply = handler(&request);
                        if reply.close {
                            return;
                        }
                        if let Some(d) = reply.delay {
                            std::thread::sleep(d);
                        }
                        let mut head = format!(
                            "HTTP/1.1 {} Fake\r\nContent-Length: {}\r\n",
                            reply.status,
                            reply.body.len()
                        );
                        if !reply
                            .headers
                            .iter()
                            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
                        {
                            head.push_str("Content-Type: application/json\r\n");
                        }
                        for (k, v) in &reply.headers {
                            head.push_str(&format!("{k}: {v}\r\n"));
                        }
                        head.push_str("\r\n");
                        let body = &reply.body.as_bytes()
                            [..reply.cut_at.unwrap_or(usize::MAX).min(reply.body.len())];
                        if stream
                            .write_all(head.as_bytes())
                            .and_then(|_| stream.write_all(body))
                            .is_err()
                            || reply.cut_at.is_some()
                        {
                            return;
                        }
                    }
                });
            }
        });
        FakeServer {
            url,
            hits,
            requests,
        }
    }

    /// A fake that forwards every request to `upstream` unchanged.
    pub fn proxy(
        upstream: &str,
        filter: impl Fn(&str) -> Option<Reply> + Send + Sync + 'static,
    ) -> FakeServer {
        let upstream = upstream.to_string();
        FakeServer::start(move |body| {
            if let Some(reply) = filter(body) {
                return reply;
            }
            let resp = ureq::post(&upstream)
                .set("Content-Type", "application/json")
                .send_string(body)
                .unwrap();
            Reply::json(resp.into_string().unwrap())
        })
    }

    /// A fake that forwards every request (method, path, body) to
    /// `upstream` and lets `tamper` change the answer before it is sent:
    /// an endpoint that answers, but wrongly (issue 18).
    pub fn tamper(
        upstream: &str,
        tamper: impl Fn(&Request, Reply) -> Reply + Send + Sync + 'static,
    ) -> FakeServer {
        let upstream = upstream.trim_end_matches('/').to_string();
        FakeServer::serve(move |r| {
            let url = format!("{upstream}{}", r.path);
            let answer = if r.method == "GET" {
                ureq::get(&url).call()
            } else {
                ureq::post(&url)
                    .set("Content-Type", "application/json")
                    .send_string(&r.body)
            };
            let reply = match answer {
                Ok(resp) | Err(ureq::Error::Status(_, resp)) => {
                    let status = resp.status();
                    let kind = resp.content_type().to_string();
                    Reply::status(status, resp.into_string().unwrap_or_default())
                        .header("Content-Type", &kind)
                }
                Err(e) => Reply::status(502, e.to_string()),
            };
            tamper(r, reply)
        })
    }

    /// `tamper` for JSON-RPC: each response object of the upstream's answer
    /// passes through `change(method, response)`.
    pub fn rewrite(
        upstream: &str,
        change: impl Fn(&str, &mut serde_json::Value) + Send + Sync + 'static,
    ) -> FakeServer {
        FakeServer::tamper(upstream, move |r, mut reply| {
            let request: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
            let Ok(mut answer) = serde_json::from_str::<serde_json::Value>(&reply.body) else {
                return reply;
            };
            let method_of = |id: &serde_json::Value| {
                let calls = match &request {
                    serde_json::Value::Array(a) => a.clone(),
                    one => vec![one.clone()],
                };
                calls
                    .iter()
                    .find(|c| &c["id"] == id)
                    .and_then(|c| c["method"].as_str())
                    .unwrap_or("")
                    .to_string()
            };
            match &mut answer {
                serde_json::Value::Array(items) => {
                    for item in items {
                        let m = method_of(&item["id"]);
                        change(&m, item);
                    }
                }
                one => {
                    let m = method_of(&one["id"]);
                    change(&m, one);
                }
            }
            reply.body = answer.to_string();
            reply
        })
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    pub fn bodies(&self) -> Vec<String> {
        self.requests().into_iter().map(|r| r.body).collect()
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            assert!(
                self.hits() > 0,
                "the fake server at {} was never hit: the test did not test it",
                self.url
            );
        }
    }
}
