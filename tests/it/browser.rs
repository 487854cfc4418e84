//! The page of `txdoctor serve` in a real browser (issue 25): headless
//! Chromium from Debian's packages, driven over WebDriver (chromedriver's
//! HTTP API, spoken with ureq). One browser for every step, to keep the
//! test short. scripts/test.sh installs chromium and chromium-driver when
//! they are missing.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

use super::serve::{Served, usdt_payment};
use crate::common::*;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

struct Driver {
    process: Child,
    url: String,
    session: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.url, self.session)).call();
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Driver {
    fn start() -> Driver {
        assert!(
            std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists(),
            "the browser test needs Debian's chromium and chromium-driver: scripts/test.sh installs \
             them (apt-get install -y chromium chromium-driver)"
        );
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let mut process = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let out = process.stdout.take().unwrap();
        std::thread::spawn(move || for _ in BufReader::new(out).lines() {});
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while ureq::get(&format!("{url}/status")).call().is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver started"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1000,900",
                         "--no-first-run", "--disable-extensions"]
            },
            "goog:loggingPrefs": {"browser": "ALL"}
        }}});
        let session: Value = ureq::post(&format!("{url}/session"))
            .send_json(caps)
            .expect("a browser session")
            .into_json()
            .unwrap();
        let session = session["value"]["sessionId"].as_str().unwrap().to_string();
        Driver {
            process,
            url,
            session,
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}{path}", self.url, self.session);
        let r = match method {
            "GET" => ureq::get(&url).call(),
            _ => ureq::post(&url).send_json(body),
        };
        match r {
            Ok(r) => r.into_json::<Value>().unwrap()["value"].take(),
            Err(ureq::Error::Status(c, r)) => {
                panic!(
                    "WebDriver {path}: {c} {}",
                    r.into_string().unwrap_or_default()
                )
            }
            Err(e) => panic!("WebDriver {path}: {e}"),
        }
    }

    fn js(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            json!({"script": script, "args": []}),
        )
    }

    fn element(&self, css: &str) -> String {
        let v = self.cmd(
            "POST",
            "/element",
            json!({"using": "css selector", "value": css}),
        );
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap()
            .to_string()
    }

    fn click(&self, css: &str) {
        let id = self.element(css);
        self.cmd("POST", &format!("/element/{id}/click"), json!({}));
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.cmd("POST", &format!("/element/{id}/clear"), json!({}));
        self.cmd(
            "POST",
            &format!("/element/{id}/value"),
            json!({"text": text}),
        );
    }

    /// Polls `script` until it returns something other than null/false.
    fn wait_for(&self, script: &str, what: &str) -> Value {
        let started = Instant::now();
        loop {
            let v = self.js(script);
            if !v.is_null() && v != Value::Bool(false) {
                return v;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "waited for {what}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn screenshot(&self, path: &std::path::Path) {
        let b64 = self.cmd("GET", "/screenshot", Value::Null);
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap())
            .unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }

    /// The browser console's errors so far.
    fn console_errors(&self) -> Vec<String> {
        let url = format!("{}/session/{}/se/log", self.url, self.session);
        let log: Value = ureq::post(&url)
            .send_json(json!({"type": "browser"}))
            .map(|r| r.into_json().unwrap())
            .unwrap_or(Value::Null);
        log["value"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }
}

#[test]
fn the_page_in_a_real_browser() {
    let started = Instant::now();
    let p = usdt_payment();
    // Twenty more transfers for the table, one of them of a look-alike "USDT".
    let fake = p.node.deploy_token(
        "Tether USD",
        "USDT",
        6,
        alloy_primitives::U256::from(1_000_000_000u64),
    );
    let mut more: Vec<String> = (0..18)
        .map(|_| {
            p.node
                .send(json!({"from": ALICE, "to": CAROL, "value": "0x7"}))
        })
        .collect();
    more.push(p.node.pay_token(&fake, ALICE, CAROL, 250_000_000));
    p.node.mine(2);
    let s = Served::start(&p.cfg, &[]);
    let d = Driver::start();
    d.cmd("POST", "/url", json!({"url": format!("{}/", s.url)}));
    d.js("localStorage.clear(); return true;");
    d.cmd("POST", "/url", json!({"url": format!("{}/", s.url)}));
    d.wait_for(
        "return document.documentElement.lang === 'en' && document.querySelector('h1').textContent.includes('where is my transfer')",
        "the page in English",
    );
    // Labelled controls, reachable by keyboard.
    assert_eq!(
        d.js("return document.querySelector('label[for=paste]') !== null && document.querySelector('label[for=lang]') !== null"),
        true
    );

    // One ERC-20 transfer's hash: the verdict card.
    d.type_into("#paste", &p.hash);
    d.click("#check");
    let card = d.wait_for(
        "const c = document.querySelector('#cards .card'); return c && c.innerText;",
        "the verdict card",
    );
    let card = card.as_str().unwrap().to_string();
    assert!(card.contains("250 USDT"), "{card}");
    assert!(card.contains(BOB), "the real recipient: {card}");
    assert!(card.contains("Final"), "status in words: {card}");
    let link = d.js("return document.querySelector('#cards .card a').href");
    assert_eq!(link, format!("https://etherscan.io/tx/{}", p.hash));
    std::fs::create_dir_all("target/browser").unwrap();
    d.cmd(
        "POST",
        "/window/rect",
        json!({"width": 1000, "height": 1250}),
    );
    d.screenshot(std::path::Path::new("target/browser/card-en.png"));
    // The README's picture: TXDOCTOR_SCREENSHOT=1 cargo test --test it the_page_in
    if std::env::var_os("TXDOCTOR_SCREENSHOT").is_some() {
        d.screenshot(std::path::Path::new("docs/serve.png"));
    }
    d.cmd(
        "POST",
        "/window/rect",
        json!({"width": 1000, "height": 900}),
    );

    // Chinese: the card again, its reply as `check --reply --lang zh` prints it.
    d.click("#lang option[value=zh]");
    d.wait_for(
        "const c = document.querySelector('#cards .card .reply'); return c && /[\\u4e00-\\u9fff]/.test(c.textContent);",
        "the reply in Chinese",
    );
    d.click("#cards .card button.copy");
    let copied = d.wait_for(
        "return document.querySelector('#cards .card button.copy').dataset.copied || null",
        "the copied text",
    );
    let reply = p.cfg.run(&["check", &p.hash, "--reply", "--lang", "zh"]);
    assert_eq!(
        copied.as_str().unwrap(),
        reply.stdout.trim_end_matches('\n')
    );
    assert_eq!(
        d.js("return localStorage.getItem('txdoctor.lang')"),
        "zh",
        "the language is remembered"
    );

    // Twenty lines: twenty rows, each opening its card.
    let mut lines = vec![p.hash.clone()];
    lines.extend(more);
    d.type_into("#paste", &lines.join("\n"));
    d.click("#check");
    d.wait_for(
        "return document.querySelectorAll('#table tbody tr').length === 20",
        "20 rows",
    );
    d.click("#table tbody tr:nth-child(2) button");
    let second = d.wait_for(
        "const c = document.querySelector('#cards .card'); return c && c.innerText;",
        "the second row's card",
    );
    assert!(second.as_str().unwrap().contains(&lines[1]), "{second}");
    // The look-alike token: a warning no one can miss.
    d.click("#table tbody tr:nth-child(20) button");
    let warning = d.wait_for(
        "const w = document.querySelector('#cards .card .warning[role=alert]'); return w && w.textContent;",
        "the fake token's warning",
    );
    assert!(warning.as_str().unwrap().contains("USDT"), "{warning}");
    // Download CSV: a header and a row per line.
    d.js("window.__csv = null; const make = URL.createObjectURL; \
          URL.createObjectURL = (b) => { b.text().then(t => { window.__csv = t; }); return make(b); }; return true;");
    d.click("#csv");
    let csv = d.wait_for("return window.__csv", "the CSV");
    let csv = csv.as_str().unwrap();
    assert_eq!(csv.lines().count(), 21, "{csv}");
    assert!(csv.starts_with(
        "query,chain,status,reason,confirmations,amount,recipient,fee,explorer_url,error"
    ));
    assert!(
        csv.contains(&format!("{},eth,finalized,included", p.hash)),
        "{csv}"
    );

    // A follow-up case from a card, then Check again once it is final.
    let fresh = p
        .node
        .send(json!({"from": ALICE, "to": CAROL, "value": "0x9"}));
    d.type_into("#paste", &fresh);
    d.click("#check");
    d.wait_for(
        "const c = document.querySelector('#cards .card'); return c && c.innerText.includes('1 / 2');",
        "the confirming transfer's card",
    );
    d.js("const b = [...document.querySelectorAll('#cards .card button')].find(b => !b.classList.contains('copy')); b.click(); return true;");
    d.cmd("POST", "/alert/text", json!({"text": "T-42"}));
    d.cmd("POST", "/alert/accept", json!({}));
    d.wait_for(
        "return document.querySelector('#case-list').textContent.includes('T-42')",
        "the open case listed",
    );
    p.node.mine(1);
    d.click("#check-again");
    let news = d.wait_for(
        "const n = document.querySelector('#case-news h3'); return n && n.textContent;",
        "the case's news",
    );
    assert!(news.as_str().unwrap().contains("T-42"), "{news}");
    assert!(news.as_str().unwrap().contains("→"), "{news}");
    d.wait_for(
        "return !document.querySelector('#case-list').textContent.includes('T-42')",
        "the case closed",
    );

    // A recovery phrase is refused, and the page says why.
    d.type_into("#paste", &("abandon ".repeat(11) + "about"));
    d.click("#check");
    let said = d.wait_for(
        "const p = document.querySelector('#problems .problem'); return p && p.textContent;",
        "the refusal",
    );
    assert!(said.as_str().unwrap().contains("recovery phrase"), "{said}");

    // A phone: 390 px wide, no horizontal scroll.
    d.type_into("#paste", &lines.join("\n"));
    d.click("#check");
    d.wait_for(
        "return document.querySelectorAll('#table tbody tr').length === 20",
        "20 rows again",
    );
    d.click("#table tbody tr:nth-child(1) button");
    d.cmd("POST", "/window/rect", json!({"width": 390, "height": 844}));
    let widths = d.wait_for(
        "return window.innerWidth <= 400 ? [document.documentElement.scrollWidth, window.innerWidth] : null",
        "a narrow window",
    );
    assert!(
        widths[0].as_u64() <= widths[1].as_u64(),
        "no horizontal scroll at 390 px: {widths}"
    );
    d.screenshot(std::path::Path::new("target/browser/phone.png"));

    // Nothing but this origin was asked, and the console is clean.
    let foreign = d.js(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith(location.origin))",
    );
    assert_eq!(foreign, json!([]), "requests to other hosts");
    assert_eq!(d.console_errors(), Vec::<String>::new());
    println!(
        "browser test: {:.1} s (screenshots in target/browser/)",
        started.elapsed().as_secs_f64()
    );
}
