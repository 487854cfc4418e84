//! The case store: an SQLite database (WAL, a busy timeout, every write
//! in an immediate transaction) that several agents' shells, `serve` and a
//! cron job may use at once. A file that is not this store — damaged,
//! another program's database, or a newer schema — is an error and is
//! never written to: its header and schema are read before anything is.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};

/// `PRAGMA application_id`: "txdc", so a foreign database is told apart.
const APPLICATION_ID: i64 = 0x7478_6463;
/// How long a write waits for another process's transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The schema, one step per release that changed it: step `i` takes a
/// store from `user_version` i to i + 1. A step is never edited once
/// released; a change is a new step.
const MIGRATIONS: &[&str] = &[
    // 1: the first release.
    "CREATE TABLE cases (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ticket TEXT,
        query TEXT NOT NULL,
        chain TEXT,
        lang TEXT NOT NULL,
        note TEXT,
        expect_amount TEXT,
        expect_token TEXT,
        expect_from TEXT,
        expect_memo TEXT,
        opened_at INTEGER NOT NULL,
        checked_at INTEGER NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        confirmations INTEGER,
        required INTEGER,
        previous_status TEXT,
        report TEXT NOT NULL,
        closed_at INTEGER
    );
    CREATE INDEX cases_open ON cases (closed_at, id);
    CREATE INDEX cases_ticket ON cases (ticket);",
];

/// What went wrong with the store, for a message a person can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path} is not a txdoctor case store ({why}); it was left untouched")]
    Foreign { path: String, why: String },
    #[error(
        "{path} was written by a newer txdoctor (schema {found}, this one knows {known}); it was left untouched"
    )]
    Newer {
        path: String,
        found: i64,
        known: usize,
    },
    #[error("case store {path}: {source}")]
    Sql {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cannot create the case store's folder {path}: {source}")]
    Folder {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Where the store lives without `--store`: `$XDG_DATA_HOME/txdoctor/cases.db`,
/// else `~/.local/share/txdoctor/cases.db`.
pub fn default_path() -> Option<PathBuf> {
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .filter(|d| d.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".local/share"))
        })?;
    Some(data.join("txdoctor").join("cases.db"))
}

/// One stored case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub id: i64,
    pub ticket: Option<String>,
    pub query: String,
    pub chain: Option<String>,
    pub lang: String,
    pub note: Option<String>,
    pub expect: Option<StoredExpect>,
    pub opened_at: i64,
    pub checked_at: i64,
    pub state: State,
    pub previous_status: Option<String>,
    /// The report's JSON object, as `check --json` prints it.
    pub report: String,
    pub closed_at: Option<i64>,
}

/// `--expect` as given, for an address case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredExpect {
    pub amount: String,
    pub token: Option<String>,
    pub from: Option<String>,
    pub memo: Option<String>,
}

/// What a check concluded, as the change rule compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub status: String,
    pub reason: Option<String>,
    pub confirmations: Option<u64>,
    pub required: Option<u64>,
}

/// A case about to be stored.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub ticket: Option<String>,
    pub query: String,
    pub chain: Option<String>,
    pub lang: String,
    pub note: Option<String>,
    pub expect: Option<StoredExpect>,
    pub state: State,
    pub report: String,
    pub now: i64,
    /// Stored closed at once (it is already in an end state).
    pub closed: bool,
}

/// Why `add` stored nothing.
#[derive(Debug)]
pub enum AddRefused {
    /// The ticket has open cases (their numbers) and `--again` was not given.
    TicketOpen(Vec<i64>),
    Store(StoreError),
}

impl From<StoreError> for AddRefused {
    fn from(e: StoreError) -> Self {
        AddRefused::Store(e)
    }
}

pub struct Store {
    conn: Connection,
    path: String,
}

impl Store {
    /// Opens the store at `path`, creating it (and its folder) when there
    /// is no file; an existing file must be this store, else it is left as it is.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        // Several processes setting up one new store at once: changing the
        // journal mode takes the whole file, and SQLite answers "busy" at
        // once instead of waiting; a few tries settle it.
        let started = std::time::Instant::now();
        loop {
            match Store::open_once(path) {
                Err(StoreError::Sql { source, .. })
                    if is_busy(&source) && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => return other,
            }
        }
    }

    fn open_once(path: &Path) -> Result<Store, StoreError> {
        let shown = path.display().to_string();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir).map_err(|source| StoreError::Folder {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let sql = sql_error(&shown);
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sql)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
        let mut store = Store { conn, path: shown };
        store.check_identity()?;
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .map_err(|e| store.sql(e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            store
                .conn
                .pragma_update(None, "journal_mode", "WAL")
                .map_err(|e| store.sql(e))?;
        }
        store.migrate()?;
        Ok(store)
    }

    fn sql(&self, source: rusqlite::Error) -> StoreError {
        sql_error(&self.path)(source)
    }

    fn foreign(&self, why: impl Into<String>) -> StoreError {
        StoreError::Foreign {
            path: self.path.clone(),
            why: why.into(),
        }
    }

    /// Reads only: the file is an SQLite database that is empty or ours,
    /// at a schema this build knows. The reads are one snapshot: another
    /// process setting the store up meanwhile is seen before or after,
    /// never half-way.
    fn check_identity(&self) -> Result<(), StoreError> {
        let not_ours = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase)
            | Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
                self.foreign("not an SQLite database, or a damaged one")
            }
            _ => self.sql(e),
        };
        let _snapshot = self.conn.unchecked_transaction().map_err(not_ours)?;
        let read = |pragma: &str| -> Result<i64, StoreError> {
            self.conn
                .query_row(&format!("PRAGMA {pragma}"), [], |r| r.get(0))
                .map_err(|e| match e.sqlite_error_code() {
                    Some(rusqlite::ErrorCode::NotADatabase)
                    | Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
                        self.foreign("not an SQLite database, or a damaged one")
                    }
                    _ => self.sql(e),
                })
        };
        let app = read("application_id")?;
        let version = read("user_version")?;
        let tables: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
            .map_err(|e| self.sql(e))?;
        if app == 0 && version == 0 && tables == 0 {
            return Ok(()); // new and empty: ours to set up
        }
        if app != APPLICATION_ID {
            return Err(self.foreign("another program's database"));
        }
        if version > MIGRATIONS.len() as i64 {
            return Err(StoreError::Newer {
                path: self.path.clone(),
                found: version,
                known: MIGRATIONS.len(),
            });
        }
        let integrity: String = self
            .conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(|e| self.sql(e))?;
        if integrity != "ok" {
            return Err(self.foreign(format!("damaged: {integrity}")));
        }
        Ok(())
    }

    /// Brings the schema to this build's version, each step in a
    /// transaction of its own (a crash leaves a whole step or none).
    fn migrate(&mut self) -> Result<(), StoreError> {
        let sql = sql_error(&self.path);
        loop {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(sql)?;
            let version: i64 = tx
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .map_err(sql)?;
            let Some(step) = usize::try_from(version)
                .ok()
                .and_then(|v| MIGRATIONS.get(v))
            else {
                return Ok(());
            };
            tx.execute_batch(step).map_err(sql)?;
            tx.pragma_update(None, "user_version", version + 1)
                .map_err(sql)?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(sql)?;
            tx.commit().map_err(sql)?;
        }
    }

    /// The schema version the store is at.
    pub fn version(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.sql(e))
    }

    /// Open cases of `ticket`.
    pub fn open_of_ticket(&self, ticket: &str) -> Result<Vec<i64>, StoreError> {
        open_of_ticket(&self.conn, ticket).map_err(|e| self.sql(e))
    }

    /// Stores `case` and returns its number; refused when its ticket has
    /// open cases and `again` is false (checked in the same transaction,
    /// so two agents adding one ticket at once cannot both succeed).
    pub fn add(&mut self, case: &NewCase, again: bool) -> Result<i64, AddRefused> {
        let sql = sql_error(&self.path);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        if let Some(ticket) = &case.ticket
            && !again
        {
            let open = open_of_ticket(&tx, ticket).map_err(sql)?;
            if !open.is_empty() {
                return Err(AddRefused::TicketOpen(open));
            }
        }
        let e = case.expect.as_ref();
        tx.execute(
            "INSERT INTO cases (ticket, query, chain, lang, note, expect_amount, expect_token,
                expect_from, expect_memo, opened_at, checked_at, status, reason, confirmations,
                required, previous_status, report, closed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12, ?13, ?14, NULL, ?15, ?16)",
            params![
                case.ticket,
                case.query,
                case.chain,
                case.lang,
                case.note,
                e.map(|e| &e.amount),
                e.and_then(|e| e.token.as_ref()),
                e.and_then(|e| e.from.as_ref()),
                e.and_then(|e| e.memo.as_ref()),
                case.now,
                case.state.status,
                case.state.reason,
                case.state.confirmations.and_then(|c| i64::try_from(c).ok()),
                case.state.required.and_then(|c| i64::try_from(c).ok()),
                case.report,
                case.closed.then_some(case.now),
            ],
        )
        .map_err(sql)?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(sql)?;
        Ok(id)
    }

    /// Open cases (or all), oldest first.
    pub fn list(&self, all: bool) -> Result<Vec<Case>, StoreError> {
        let sql = if all {
            "SELECT * FROM cases ORDER BY id"
        } else {
            "SELECT * FROM cases WHERE closed_at IS NULL ORDER BY id"
        };
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], case_of_row)
            .map_err(|e| self.sql(e))?
            .collect::<rusqlite::Result<Vec<Case>>>()
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }

    pub fn get(&self, id: i64) -> Result<Option<Case>, StoreError> {
        self.conn
            .query_row("SELECT * FROM cases WHERE id = ?1", [id], case_of_row)
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// Stores a new check of case `id` when it is still open, against the
    /// state stored now (another agent's check may have come first):
    /// returns the state it replaced, or `None` when the case was closed
    /// meanwhile (nothing is written). `decide` says, from the stored state
    /// and the new one, whether the status changed (then the old status is
    /// kept as `previous_status`) and whether the case closes.
    pub fn record_check(
        &mut self,
        id: i64,
        state: &State,
        report: &str,
        now: i64,
        decide: impl FnOnce(&State) -> (bool, bool),
    ) -> Result<Option<State>, StoreError> {
        let sql = sql_error(&self.path);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let stored = tx
            .query_row(
                "SELECT status, reason, confirmations, required FROM cases
                 WHERE id = ?1 AND closed_at IS NULL",
                [id],
                state_of_row(0),
            )
            .optional()
            .map_err(sql)?;
        let Some(stored) = stored else {
            return Ok(None);
        };
        let (changed, close) = decide(&stored);
        tx.execute(
            "UPDATE cases SET checked_at = ?2, status = ?3, reason = ?4, confirmations = ?5,
                required = ?6, report = ?7,
                previous_status = CASE WHEN ?8 THEN ?9 ELSE previous_status END,
                closed_at = CASE WHEN ?10 THEN ?2 ELSE NULL END
             WHERE id = ?1",
            params![
                id,
                now,
                state.status,
                state.reason,
                state.confirmations.and_then(|c| i64::try_from(c).ok()),
                state.required.and_then(|c| i64::try_from(c).ok()),
                report,
                changed,
                stored.status,
                close,
            ],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(Some(stored))
    }

    /// Dates a check that concluded nothing (no endpoint answered) on
    /// open case `id`, keeping its verdict: returns that verdict, or `None`
    /// when the case is closed.
    pub fn touch(&mut self, id: i64, now: i64) -> Result<Option<State>, StoreError> {
        let n = self
            .conn
            .execute(
                "UPDATE cases SET checked_at = ?2 WHERE id = ?1 AND closed_at IS NULL",
                params![id, now],
            )
            .map_err(|e| self.sql(e))?;
        if n == 0 {
            return Ok(None);
        }
        Ok(self.get(id)?.map(|c| c.state))
    }

    /// Closes case `id`; false when it was closed already.
    pub fn close(&mut self, id: i64, now: i64) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                "UPDATE cases SET closed_at = ?2 WHERE id = ?1 AND closed_at IS NULL",
                params![id, now],
            )
            .map_err(|e| self.sql(e))?;
        Ok(n > 0)
    }

    /// Cases of `ticket`, open ones first.
    pub fn of_ticket(&self, ticket: &str) -> Result<Vec<Case>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT * FROM cases WHERE ticket = ?1 ORDER BY closed_at IS NOT NULL, id")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([ticket], case_of_row)
            .map_err(|e| self.sql(e))?
            .collect::<rusqlite::Result<Vec<Case>>>()
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }
}

/// An SQLite error, said with the store it happened to.
fn sql_error(path: &str) -> impl Fn(rusqlite::Error) -> StoreError + Copy + '_ {
    move |source| StoreError::Sql {
        path: path.to_string(),
        source,
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked)
    )
}

fn open_of_ticket(conn: &Connection, ticket: &str) -> rusqlite::Result<Vec<i64>> {
    let mut stmt =
        conn.prepare("SELECT id FROM cases WHERE ticket = ?1 AND closed_at IS NULL ORDER BY id")?;
    stmt.query_map([ticket], |r| r.get(0))?.collect()
}

fn unsigned(v: Option<i64>) -> Option<u64> {
    v.and_then(|v| u64::try_from(v).ok())
}

fn state_of_row(first: usize) -> impl Fn(&rusqlite::Row) -> rusqlite::Result<State> {
    move |r| {
        Ok(State {
            status: r.get(first)?,
            reason: r.get(first + 1)?,
            confirmations: unsigned(r.get(first + 2)?),
            required: unsigned(r.get(first + 3)?),
        })
    }
}

fn case_of_row(r: &rusqlite::Row) -> rusqlite::Result<Case> {
    let amount: Option<String> = r.get("expect_amount")?;
    Ok(Case {
        id: r.get("id")?,
        ticket: r.get("ticket")?,
        query: r.get("query")?,
        chain: r.get("chain")?,
        lang: r.get("lang")?,
        note: r.get("note")?,
        expect: match amount {
            Some(amount) => Some(StoredExpect {
                amount,
                token: r.get("expect_token")?,
                from: r.get("expect_from")?,
                memo: r.get("expect_memo")?,
            }),
            None => None,
        },
        opened_at: r.get("opened_at")?,
        checked_at: r.get("checked_at")?,
        state: State {
            status: r.get("status")?,
            reason: r.get("reason")?,
            confirmations: unsigned(r.get("confirmations")?),
            required: unsigned(r.get("required")?),
        },
        previous_status: r.get("previous_status")?,
        report: r.get("report")?,
        closed_at: r.get("closed_at")?,
    })
}

/// The store's folder, readable by its owner only when it is created.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(status: &str) -> State {
        State {
            status: status.into(),
            reason: None,
            confirmations: None,
            required: None,
        }
    }

    fn new_case(ticket: &str) -> NewCase {
        NewCase {
            ticket: Some(ticket.into()),
            query: "0xabc".into(),
            chain: None,
            lang: "zh".into(),
            note: Some("VIP".into()),
            expect: None,
            state: state("pending"),
            report: "{}".into(),
            now: 1_700_000_000,
            closed: false,
        }
    }

    #[test]
    fn a_new_store_is_migrated_to_the_last_step_and_reopening_runs_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/cases.db");
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.version().unwrap(), MIGRATIONS.len() as i64);
        let id = store.add(&new_case("T-1"), false).unwrap();
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.version().unwrap(), MIGRATIONS.len() as i64);
        let case = store.get(id).unwrap().unwrap();
        assert_eq!(
            (case.ticket.as_deref(), case.lang.as_str()),
            (Some("T-1"), "zh")
        );
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn a_store_at_an_older_version_is_brought_up_and_keeps_its_cases() {
        // A store as the first release left it: step 1 applied by hand.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cases.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
            conn.execute(
                "INSERT INTO cases (query, lang, opened_at, checked_at, status, report)
                 VALUES ('0xold', 'ja', 1, 1, 'pending', '{}')",
                [],
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.version().unwrap(), MIGRATIONS.len() as i64);
        let cases = store.list(false).unwrap();
        assert_eq!(cases.len(), 1);
        assert_eq!(
            (cases[0].query.as_str(), cases[0].lang.as_str()),
            ("0xold", "ja")
        );
    }

    #[test]
    fn foreign_damaged_and_newer_files_are_refused_and_left_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("notes.db");
        std::fs::write(&text, "ticket T-1: customer says hi\n".repeat(100)).unwrap();
        let other = dir.path().join("other.db");
        Connection::open(&other)
            .unwrap()
            .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        let newer = dir.path().join("newer.db");
        {
            let conn = Connection::open(&newer).unwrap();
            conn.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
            conn.pragma_update(None, "user_version", 99).unwrap();
        }
        for (path, says) in [
            (&text, "not an SQLite database"),
            (&other, "another program's database"),
            (&newer, "newer txdoctor"),
        ] {
            let before = std::fs::read(path).unwrap();
            let err = Store::open(path).err().expect("refused").to_string();
            assert!(err.contains(says), "{err}");
            assert!(err.contains("left untouched"), "{err}");
            assert_eq!(std::fs::read(path).unwrap(), before, "{}", path.display());
            assert!(!path.with_extension("db-wal").exists());
        }
    }

    #[test]
    fn many_connections_setting_up_one_new_store_at_once_all_succeed() {
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("new/cases.db");
            std::thread::scope(|s| {
                for i in 0..8 {
                    let path = &path;
                    s.spawn(move || {
                        let mut store = Store::open(path).unwrap();
                        store.add(&new_case(&format!("T-{i}")), false).unwrap();
                    });
                }
            });
            assert_eq!(Store::open(&path).unwrap().list(false).unwrap().len(), 8);
        }
    }

    #[test]
    fn an_open_ticket_is_refused_unless_again_and_a_closed_one_is_free() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("c.db")).unwrap();
        let first = store.add(&new_case("T-9"), false).unwrap();
        match store.add(&new_case("T-9"), false) {
            Err(AddRefused::TicketOpen(open)) => assert_eq!(open, vec![first]),
            other => panic!("{other:?}"),
        }
        let second = store.add(&new_case("T-9"), true).unwrap();
        assert_eq!(store.open_of_ticket("T-9").unwrap(), vec![first, second]);
        assert!(store.close(first, 5).unwrap());
        assert!(!store.close(first, 6).unwrap(), "closed already");
        store.close(second, 5).unwrap();
        assert!(store.add(&new_case("T-9"), false).is_ok());
    }

    #[test]
    fn a_check_is_recorded_against_the_stored_state_and_not_on_a_closed_case() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("c.db")).unwrap();
        let id = store.add(&new_case("T-2"), false).unwrap();
        let before = store
            .record_check(id, &state("finalized"), "{\"x\":1}", 10, |old| {
                assert_eq!(old.status, "pending");
                (true, true)
            })
            .unwrap();
        assert_eq!(before.unwrap().status, "pending");
        let case = store.get(id).unwrap().unwrap();
        assert_eq!(case.state.status, "finalized");
        assert_eq!(case.previous_status.as_deref(), Some("pending"));
        assert_eq!(case.closed_at, Some(10));
        assert_eq!(case.report, "{\"x\":1}");
        let again = store
            .record_check(id, &state("finalized"), "{}", 11, |_| (false, true))
            .unwrap();
        assert_eq!(again, None, "a closed case is not checked again");
    }
}
