//! What txdoctor saw pending, remembered between runs, so that a hash the
//! network later forgets can be told apart: replaced (its sender's nonce was
//! used by another transaction) or dropped (the nonce is still free).
//!
//! One JSON file, `seen.json`, under `$XDG_CACHE_HOME/txdoctor` (else
//! `~/.cache/txdoctor`). Writers take an exclusive lock on `seen.lock`,
//! re-read the file, merge their updates, and replace it with a rename, so
//! concurrent runs neither lose each other's entries nor leave a torn file;
//! readers never wait. Entries older than `MAX_AGE` are pruned, and only the
//! `MAX_ENTRIES` most recently seen are kept, so the file stays small.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::model::{Marks, Seen, Status, TxReport};

/// Remembered transactions older than this (by last sight) are forgotten:
/// nodes drop pending transactions long before (geth: 3 hours by default).
pub const MAX_AGE: Duration = Duration::from_secs(30 * 24 * 3600);
/// At most this many entries (about 300 bytes each) are kept.
pub const MAX_ENTRIES: usize = 10_000;

const FILE: &str = "seen.json";
const LOCK: &str = "seen.lock";
const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct StoreFile {
    version: u32,
    seen: Vec<Seen>,
}

/// One change to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Update {
    /// Seen pending now: add it, or refresh its last sighting and fees.
    Pending(Seen),
    /// Included (confirmed, finalized or failed): nothing left to remember.
    Forget { chain: String, hash: String },
}

/// A snapshot of the store, read once, and the place to write updates.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    dir: Option<PathBuf>,
    entries: HashMap<(String, String), Seen>,
}

/// `$XDG_CACHE_HOME/txdoctor`, else `$HOME/.cache/txdoctor`; the XDG spec
/// says a relative `XDG_CACHE_HOME` is to be ignored.
pub fn cache_dir(xdg_cache_home: Option<OsString>, home: Option<OsString>) -> Option<PathBuf> {
    let xdg = xdg_cache_home
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let base = xdg.or_else(|| {
        home.map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .map(|h| h.join(".cache"))
    })?;
    Some(base.join("txdoctor"))
}

impl Memory {
    /// Reads the store in `dir` (none: a memory that forgets everything). A
    /// missing file is an empty memory; an unreadable one is reported and
    /// treated as empty (it is rewritten on the next update).
    pub fn open(dir: Option<PathBuf>) -> (Memory, Option<String>) {
        let Some(dir) = dir else {
            return (Memory::default(), None);
        };
        let (seen, problem) = match read(&dir.join(FILE)) {
            Ok(seen) => (seen, None),
            Err(e) => (Vec::new(), Some(e)),
        };
        let entries = seen
            .into_iter()
            .map(|s| ((s.chain.clone(), s.hash.clone()), s))
            .collect();
        (
            Memory {
                dir: Some(dir),
                entries,
            },
            problem,
        )
    }

    pub fn get(&self, chain: &str, hash: &str) -> Option<Seen> {
        self.entries
            .get(&(chain.to_string(), hash.to_lowercase()))
            .cloned()
    }

    /// Applies `updates` under the lock and keeps the snapshot in step.
    pub fn record(&mut self, updates: &[Update]) -> Result<(), String> {
        if updates.is_empty() {
            return Ok(());
        }
        let Some(dir) = self.dir.clone() else {
            return Ok(());
        };
        let now = unix_now();
        let merged = locked_update(&dir, |current| apply(current, updates, now))?;
        self.entries = merged
            .into_iter()
            .map(|s| ((s.chain.clone(), s.hash.clone()), s))
            .collect();
        Ok(())
    }
}

fn read(path: &Path) -> Result<Vec<Seen>, String> {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let file: StoreFile = serde_json::from_str(&text)
        .map_err(|e| format!("{} is damaged ({e}); it will be rewritten", path.display()))?;
    if file.version != FORMAT_VERSION {
        return Err(format!(
            "{} has format version {}, this txdoctor reads {FORMAT_VERSION}; it will be rewritten",
            path.display(),
            file.version
        ));
    }
    Ok(file.seen)
}

/// Lock, read, change, write to a temporary file, rename, unlock.
fn locked_update(
    dir: &Path,
    change: impl FnOnce(Vec<Seen>) -> Vec<Seen>,
) -> Result<Vec<Seen>, String> {
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let lock_path = dir.join(LOCK);
    // Never through a symlink planted in the cache directory.
    let lock = no_follow(OpenOptions::new().create(true).truncate(false).write(true))
        .open(&lock_path)
        .map_err(|e| format!("cannot open {}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("cannot lock {}: {e}", lock_path.display()))?;
    let path = dir.join(FILE);
    // A damaged file is replaced rather than blocking every later run.
    let merged = change(read(&path).unwrap_or_default());
    let body = serde_json::to_vec(&StoreFile {
        version: FORMAT_VERSION,
        seen: merged.clone(),
    })
    .map_err(|e| e.to_string())?;
    let (tmp, file) = new_temp(dir, &path)?;
    // No fsync: this is a cache, and a file torn by a power cut reads as
    // damaged and empty; the rename alone keeps concurrent readers safe.
    let written = { file }
        .write_all(&body)
        .and_then(|_| fs::rename(&tmp, &path));
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(format!("cannot write {}: {e}", path.display()));
    }
    drop(lock);
    Ok(merged)
}

/// `options` refusing to open a symlink (O_NOFOLLOW where the system has it).
fn no_follow(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options
}

/// A temporary file beside `path`, created exclusively (O_EXCL: never an
/// existing file, never through a symlink) under a fresh name.
fn new_temp(dir: &Path, path: &Path) -> Result<(PathBuf, File), String> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let mut last = None;
    for attempt in 0..16u32 {
        let tmp = dir.join(format!(
            "{FILE}.{}.{:x}.tmp",
            std::process::id(),
            nanos.wrapping_add(attempt.wrapping_mul(0x9e37_79b9))
        ));
        match no_follow(OpenOptions::new().write(true).create_new(true)).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) => last = Some(e),
        }
    }
    Err(format!(
        "cannot write {}: no temporary file could be created beside it ({})",
        path.display(),
        last.map(|e| e.to_string()).unwrap_or_default()
    ))
}

/// The store after `updates` at time `now`: merged, pruned, newest first.
pub fn apply(current: Vec<Seen>, updates: &[Update], now: u64) -> Vec<Seen> {
    let mut map: HashMap<(String, String), Seen> = current
        .into_iter()
        .map(|s| ((s.chain.clone(), s.hash.clone()), s))
        .collect();
    for update in updates {
        match update {
            Update::Pending(seen) => {
                let key = (seen.chain.clone(), seen.hash.to_lowercase());
                let mut new = seen.clone();
                new.hash = key.1.clone();
                if let Some(old) = map.get(&key) {
                    new.first_seen = old.first_seen.min(new.first_seen);
                    new.head_at_first_seen = match (old.head_at_first_seen, new.head_at_first_seen)
                    {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                }
                map.insert(key, new);
            }
            Update::Forget { chain, hash } => {
                map.remove(&(chain.clone(), hash.to_lowercase()));
            }
        }
    }
    let max_age = MAX_AGE.as_secs();
    let mut kept: Vec<Seen> = map
        .into_values()
        .filter(|s| now.saturating_sub(s.last_seen) <= max_age)
        .collect();
    kept.sort_by(|a, b| {
        b.last_seen
            .cmp(&a.last_seen)
            .then_with(|| a.hash.cmp(&b.hash))
    });
    kept.truncate(MAX_ENTRIES);
    kept
}

/// What a report teaches the store: pending transactions are remembered
/// (by what their family marks them with), included ones forgotten.
pub fn update_for(report: &TxReport, now: u64) -> Option<Update> {
    let chain = report.chain.clone()?;
    match report.status {
        Status::Pending => {
            let facts = report.facts.as_ref()?;
            let Marks {
                nonce,
                max_fee,
                tip,
                inputs,
                expires_at,
            } = crate::chain::family::of(report.family?).marks(facts)?;
            Some(Update::Pending(Seen {
                chain,
                hash: facts.hash.to_lowercase(),
                from: facts.from.clone(),
                nonce,
                max_fee,
                tip,
                first_seen: now,
                last_seen: now,
                head_at_first_seen: facts.head,
                inputs,
                expires_at,
            }))
        }
        Status::Confirmed | Status::Finalized | Status::Failed => Some(Update::Forget {
            chain,
            hash: report.hash.to_lowercase(),
        }),
        _ => None,
    }
}

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(hash: &str, nonce: u64, at: u64) -> Seen {
        Seen {
            expires_at: None,
            chain: "eth".into(),
            hash: hash.into(),
            from: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266".into(),
            nonce,
            max_fee: Some("20000000000".into()),
            tip: Some("1000000000".into()),
            first_seen: at,
            last_seen: at,
            head_at_first_seen: Some(100 + at),
            inputs: vec![],
        }
    }

    #[test]
    fn cache_dir_follows_xdg_then_home() {
        let os = |s: &str| Some(OsString::from(s));
        assert_eq!(
            cache_dir(os("/x/cache"), os("/home/a")),
            Some(PathBuf::from("/x/cache/txdoctor"))
        );
        assert_eq!(
            cache_dir(None, os("/home/a")),
            Some(PathBuf::from("/home/a/.cache/txdoctor"))
        );
        assert_eq!(
            cache_dir(os("relative"), os("/home/a")),
            Some(PathBuf::from("/home/a/.cache/txdoctor")),
            "a relative XDG_CACHE_HOME is ignored"
        );
        assert_eq!(cache_dir(None, None), None);
    }

    #[test]
    fn a_second_sighting_keeps_the_first_time_and_head() {
        let first = seen("0xAA", 1, 1000);
        let again = seen("0xaa", 1, 2000);
        let out = apply(vec![], &[Update::Pending(first)], 1000);
        let out = apply(out, &[Update::Pending(again)], 2000);
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].first_seen, out[0].last_seen), (1000, 2000));
        assert_eq!(out[0].head_at_first_seen, Some(1100));
        assert_eq!(out[0].hash, "0xaa", "hashes are kept lowercase");
    }

    #[test]
    fn forget_removes_and_old_entries_expire() {
        let now = 100 * 24 * 3600;
        let old = seen("0x01", 1, now - MAX_AGE.as_secs() - 1);
        let fresh = seen("0x02", 2, now - 10);
        let out = apply(vec![old, fresh.clone()], &[], now);
        assert_eq!(out, vec![fresh]);
        let out = apply(
            out,
            &[Update::Forget {
                chain: "eth".into(),
                hash: "0x02".into(),
            }],
            now,
        );
        assert!(out.is_empty());
    }

    #[test]
    fn the_store_never_grows_past_its_cap() {
        let many: Vec<Seen> = (0..MAX_ENTRIES as u64 + 50)
            .map(|i| seen(&format!("0x{i:064x}"), i, 1_000_000 + i))
            .collect();
        let out = apply(many, &[], 1_000_000 + MAX_ENTRIES as u64 + 50);
        assert_eq!(out.len(), MAX_ENTRIES);
        assert_eq!(out[0].nonce, MAX_ENTRIES as u64 + 49, "newest kept first");
        assert!(out.iter().all(|s| s.nonce >= 50), "the oldest went");
    }

    #[test]
    fn round_trip_through_the_file_and_concurrent_writers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("txdoctor");
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let (mut m, problem) = Memory::open(Some(path));
                    assert!(problem.is_none(), "{problem:?}");
                    m.record(&[Update::Pending(seen(&format!("0x{i:02x}"), i, unix_now()))])
                        .unwrap();
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let (m, problem) = Memory::open(Some(path.clone()));
        assert!(problem.is_none());
        for i in 0..8u64 {
            assert_eq!(
                m.get("eth", &format!("0x{i:02X}")).map(|s| s.nonce),
                Some(i),
                "no writer lost another's entry"
            );
        }
        fs::write(path.join(FILE), "{not json").unwrap();
        let (m, problem) = Memory::open(Some(path));
        assert!(problem.unwrap().contains("damaged"));
        assert!(m.get("eth", "0x01").is_none());
    }

    #[cfg(unix)]
    #[test]
    fn issue_18_the_store_never_writes_through_a_planted_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("txdoctor");
        fs::create_dir_all(&store).unwrap();
        let victim = dir.path().join("victim");
        // A dangling lock symlink must not create its target.
        std::os::unix::fs::symlink(&victim, store.join(LOCK)).unwrap();
        let (mut m, _) = Memory::open(Some(store.clone()));
        let err = m
            .record(&[Update::Pending(seen("0x01", 1, unix_now()))])
            .unwrap_err();
        assert!(err.contains(LOCK), "{err}");
        assert!(!victim.exists(), "the lock symlink was followed");
        // With an honest lock, a temporary name planted as a symlink (the
        // old, predictable `seen.json.<pid>.tmp`) is never written through.
        fs::remove_file(store.join(LOCK)).unwrap();
        let planted = store.join(format!("{FILE}.{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        m.record(&[Update::Pending(seen("0x01", 1, unix_now()))])
            .unwrap();
        assert!(!victim.exists(), "a temporary file followed a symlink");
        assert!(Memory::open(Some(store)).0.get("eth", "0x01").is_some());
    }
}
