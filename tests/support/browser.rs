//! A real headless Chromium driven over the Chrome DevTools Protocol (a WebSocket), for the
//! web page tests: navigate, run JavaScript, wait for conditions, collect console errors and
//! take screenshots. Synchronous: run it on a blocking thread.

// Test and benchmark code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// The Chromium to test with: `LMI_CHROMIUM`, else one of the usual names on `PATH` (the same
/// search `lmi render pack` does).
pub fn find_chromium() -> Option<PathBuf> {
    let given = std::env::var_os("LMI_CHROMIUM").map(PathBuf::from);
    lmi_cli::pack::find_chromium(given.as_deref()).ok()
}

/// A Chromium for a browser test, or `None` after a printed notice when there is none and the
/// environment does not require one (see `lmi_testkit::chromium_for`).
pub fn chromium_for(test: &str) -> Option<PathBuf> {
    lmi_testkit::chromium_for(test, find_chromium())
}

/// A headless Chromium process with its own throw-away profile; killed when dropped.
pub struct Browser {
    child: Child,
    port: u16,
    browser_path: String,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    pub fn launch(chromium: &Path) -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
        let child = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", chromium.display()));
        // Chromium writes the port it chose and the browser endpoint to DevToolsActivePort.
        let file = profile.path().join("DevToolsActivePort");
        let started = Instant::now();
        let text = loop {
            if let Ok(t) = std::fs::read_to_string(&file)
                && t.lines().count() >= 2
            {
                break t;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "Chromium did not open its DevTools port within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        let mut lines = text.lines();
        let port = lines.next().unwrap().trim().parse().expect("port");
        let browser_path = lines.next().unwrap().trim().to_owned();
        Browser {
            child,
            port,
            browser_path,
            _profile: profile,
        }
    }

    /// Opens a new tab and connects to it.
    pub fn new_page(&self) -> Page {
        let mut browser = Connection::open(&format!(
            "ws://127.0.0.1:{}{}",
            self.port, self.browser_path
        ));
        let target = browser.call("Target.createTarget", json!({ "url": "about:blank" }));
        let id = target["targetId"].as_str().expect("targetId").to_owned();
        let mut page = Page {
            conn: Connection::open(&format!("ws://127.0.0.1:{}/devtools/page/{id}", self.port)),
        };
        for domain in ["Page.enable", "Runtime.enable", "Log.enable"] {
            page.conn.call(domain, json!({}));
        }
        page
    }
}

struct Connection {
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    events: Vec<Value>,
}

impl Connection {
    fn open(url: &str) -> Connection {
        let (ws, _) = tungstenite::connect(url).unwrap_or_else(|e| panic!("connecting {url}: {e}"));
        if let MaybeTlsStream::Plain(s) = ws.get_ref() {
            s.set_read_timeout(Some(Duration::from_secs(60))).ok();
        }
        Connection {
            ws,
            next_id: 1,
            events: Vec::new(),
        }
    }

    /// Sends a command and returns its result, keeping the events that arrive meanwhile.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let msg = json!({ "id": id, "method": method, "params": params });
        self.ws
            .send(Message::text(msg.to_string()))
            .unwrap_or_else(|e| panic!("sending {method}: {e}"));
        loop {
            let msg = self
                .ws
                .read()
                .unwrap_or_else(|e| panic!("waiting for {method}: {e}"));
            let Message::Text(text) = msg else { continue };
            let v: Value = serde_json::from_str(text.as_str()).expect("CDP JSON");
            if v["id"].as_u64() == Some(id) {
                if let Some(e) = v.get("error") {
                    panic!("{method} failed: {e}");
                }
                return v["result"].clone();
            }
            if v.get("method").is_some() {
                self.events.push(v);
            }
        }
    }
}

/// One tab.
pub struct Page {
    conn: Connection,
}

impl Page {
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.conn.call(method, params)
    }

    /// Sets the viewport (CSS pixels); `mobile` emulates a phone.
    pub fn viewport(&mut self, width: u32, height: u32, mobile: bool) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile }),
        );
    }

    pub fn goto(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
        self.wait_for(
            "document.readyState === 'complete'",
            Duration::from_secs(30),
        );
    }

    /// Evaluates an expression (promises awaited) and returns its value; a thrown exception
    /// fails the test.
    pub fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        if let Some(e) = r.get("exceptionDetails") {
            panic!("{expression} threw: {e}");
        }
        r["result"]["value"].clone()
    }

    /// Polls `expression` until it is truthy; panics with `what` after `timeout`.
    pub fn wait_for(&mut self, expression: &str, timeout: Duration) -> Value {
        let started = Instant::now();
        loop {
            let v = self.eval(&format!(
                "(() => {{ try {{ return ({expression}); }} catch (e) {{ return null; }} }})()"
            ));
            let truthy = match &v {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::Number(n) => n.as_f64() != Some(0.0),
                Value::String(s) => !s.is_empty(),
                Value::Array(a) => !a.is_empty(),
                _ => true,
            };
            if truthy {
                return v;
            }
            if started.elapsed() > timeout {
                let status = self.eval("document.getElementById('status')?.textContent ?? ''");
                panic!(
                    "timed out after {timeout:?} waiting for {expression}; page status: {status}; \
                     errors so far: {:?}",
                    self.errors()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Console errors, uncaught exceptions and browser log errors (failed loads) seen so far.
    pub fn errors(&self) -> Vec<String> {
        self.conn
            .events
            .iter()
            .filter_map(|e| {
                let p = &e["params"];
                match e["method"].as_str()? {
                    "Runtime.exceptionThrown" => Some(format!(
                        "exception: {}",
                        p["exceptionDetails"]["exception"]["description"]
                            .as_str()
                            .or(p["exceptionDetails"]["text"].as_str())
                            .unwrap_or("?")
                    )),
                    "Runtime.consoleAPICalled" if p["type"] == "error" || p["type"] == "assert" => {
                        Some(format!("console.{}: {}", p["type"], p["args"]))
                    }
                    "Log.entryAdded" if p["entry"]["level"] == "error" => Some(format!(
                        "log: {} {}",
                        p["entry"]["text"].as_str().unwrap_or(""),
                        p["entry"]["url"].as_str().unwrap_or("")
                    )),
                    _ => None,
                }
            })
            .collect()
    }

    /// Saves a PNG screenshot of the whole page.
    pub fn screenshot(&mut self, path: &Path) {
        use base64::Engine as _;
        let r = self.call(
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": true }),
        );
        let data = base64::engine::general_purpose::STANDARD
            .decode(r["data"].as_str().expect("screenshot data"))
            .expect("base64");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot dir");
        }
        std::fs::write(path, data).expect("writing screenshot");
    }
}
