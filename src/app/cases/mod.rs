//! Cases: the tickets an agent must come back to. A case is a query with
//! its ticket, language and note, and the last report on it. What a
//! report concludes (`State`), when that is news (`changed`) and when a
//! case is over (`is_end`) are plain functions; the store is `store`;
//! looking every open case up again uses the batch engine (its client
//! options, and `lookup::answer` per case, many at once).

pub mod store;

use std::path::Path;
use std::time::Duration;

use futures_util::{StreamExt, stream};
use serde_json::{Value, json};

use self::store::{AddRefused, Case, NewCase, State, Store, StoredExpect};
use super::{Ask, DEFAULT_ADDRESS_WINDOW, Report, report_json};
use crate::chain::{self, transport::RpcClient};
use crate::diagnose::address::{Expect, Outcome};
use crate::exit::UsageError;
use crate::memory::{self, Memory};
use crate::model::Status;
use crate::query::{self, Query};
use crate::render::Lang;
use crate::safe;
use crate::settings::Settings;

/// A case to open, as `case add` and `POST /api/cases` give it.
#[derive(Debug, Clone)]
pub struct Opening {
    pub query: String,
    pub ticket: Option<String>,
    pub note: Option<String>,
    /// The reply's language.
    pub lang: Lang,
    /// Only this chain (`--chain`).
    pub chain: Option<String>,
    /// What an address case waits for.
    pub expect: Option<Expect>,
    /// How far back an address case reads at first (default 24 h).
    pub since: Option<Duration>,
    /// Open another case for a ticket that has open ones.
    pub again: bool,
    /// Bounds the first lookup.
    pub timeout: Duration,
}

/// A case just opened: as stored, with the report it was opened with.
pub struct Opened {
    pub case: Case,
    pub report: Report,
    /// Already over: stored closed.
    pub closed: bool,
}

/// Opens a case: refuses secrets, checks the query and the ticket, looks
/// the query up once, stores the case (closed at once when it is already
/// over). Usage problems are `UsageError`s (exit 2, HTTP 400); a store
/// that is not ours is a `StoreError`.
pub async fn open(
    client: &RpcClient,
    settings: &Settings,
    memory: &Memory,
    path: &Path,
    o: &Opening,
) -> anyhow::Result<Opened> {
    // Before anything is looked up or stored: a secret anywhere is refused.
    let q = query::parse(&o.query, &settings.config, o.chain.as_deref())?;
    refuse_secret("the ticket id", o.ticket.as_deref())?;
    refuse_secret("the note", o.note.as_deref())?;
    let address = super::lookup::is_address(&q)
        || (o.expect.is_some() && super::lookup::takes_expect(&q, settings));
    match (address, &o.expect) {
        (true, None) => {
            return Err(UsageError::new(format!(
                "{} is an address: an address case follows an expected deposit",
                safe::shorten(o.query.trim())
            ))
            .hint("say what should arrive, e.g. --expect \"100 USDT\"")
            .into());
        }
        (false, Some(_)) => {
            return Err(UsageError::new(format!(
                "an expected amount is looked for at an address, but {} is a transaction",
                safe::shorten(o.query.trim())
            ))
            .hint("open the case for the transaction alone, or for the receiving address with the amount")
            .into());
        }
        _ => {}
    }
    let mut store = Store::open(path)?;
    if let Some(ticket) = &o.ticket {
        let open = store.open_of_ticket(ticket)?;
        if !open.is_empty() && !o.again {
            return Err(ticket_open(ticket, &open).into());
        }
    }
    let now = memory::unix_now();
    let scope = chain::AddressScope {
        since_secs: o.since.unwrap_or(DEFAULT_ADDRESS_WINDOW).as_secs().max(1),
        now,
        sender: o.expect.as_ref().and_then(|e| e.from.clone()),
    };
    let ask = Ask {
        expect: o.expect.as_ref(),
        scope: &scope,
        memory,
        timeout: Some(o.timeout),
        poisoning_check: true,
    };
    let report = super::answer(client, settings, &q, ask).await;
    let state = state_of(&report);
    let closed = is_end(&state, address);
    let new = NewCase {
        ticket: o.ticket.clone(),
        query: o.query.trim().to_string(),
        chain: o.chain.clone(),
        lang: o.lang.code().to_string(),
        note: o.note.clone(),
        expect: o.expect.as_ref().map(|e| StoredExpect {
            amount: e.amount.clone(),
            token: e.token.clone(),
            from: e.from.clone(),
            memo: e.memo.clone(),
        }),
        state,
        report: report_json(&report, o.lang, settings).to_string(),
        now: i64::try_from(now).unwrap_or(i64::MAX),
        closed,
    };
    let id = match store.add(&new, o.again) {
        Ok(id) => id,
        Err(AddRefused::TicketOpen(open)) => {
            return Err(ticket_open(o.ticket.as_deref().unwrap_or_default(), &open).into());
        }
        Err(AddRefused::Store(e)) => return Err(e.into()),
    };
    let case = store
        .get(id)?
        .ok_or_else(|| anyhow::anyhow!("case {id} was stored but cannot be read back"))?;
    Ok(Opened {
        case,
        report,
        closed,
    })
}

fn refuse_secret(what: &str, text: Option<&str>) -> Result<(), UsageError> {
    match text.and_then(crate::secrets::detect) {
        Some(secret) => Err(UsageError::new(format!(
            "{what} looks like it holds {secret}: nothing was stored or looked up, and it is not repeated here"
        ))
        .hint("keep recovery phrases and keys out of tickets; if the customer shared one, tell them to move their funds to a new wallet now")),
        None => Ok(()),
    }
}

fn ticket_open(ticket: &str, open: &[i64]) -> UsageError {
    let numbers: Vec<String> = open.iter().map(|n| format!("#{n}")).collect();
    UsageError::new(format!(
        "ticket {} already has an open case ({})",
        safe::text(ticket),
        numbers.join(", ")
    ))
    .hint("`txdoctor case check` follows it; add --again to open another case for this ticket")
}

/// One open case after a check.
pub struct Checked {
    /// As stored now.
    pub case: Case,
    /// What the check before this one had concluded.
    pub before: State,
    pub report: Report,
    /// The status (or reason, or the required count) changed.
    pub news: bool,
    /// The check closed it.
    pub closed: bool,
    /// No endpoint could answer: the case keeps its last verdict.
    pub unanswered: bool,
}

/// What `check_open` did.
pub struct CheckRun {
    /// Open cases when the check began.
    pub open: usize,
    /// In the order of the cases (those closed meanwhile by another agent left out).
    pub checked: Vec<Checked>,
    /// Cases whose query this configuration cannot look up: (case, why).
    pub skipped: Vec<(i64, String)>,
}

/// Looks every open case up again with the batch engine and stores each
/// new report, against the state stored at that moment (another agent's
/// check may have come first: then the news is theirs to report).
pub async fn check_open(
    client: &RpcClient,
    settings: &Settings,
    memory: &Memory,
    path: &Path,
    concurrency: usize,
    timeout: Option<Duration>,
) -> anyhow::Result<CheckRun> {
    let mut store = Store::open(path)?;
    let open = store.list(false)?;
    let now = memory::unix_now();
    let lookups = lookups(&open, settings);
    let reports = look_up_all(
        client,
        settings,
        memory,
        &lookups,
        concurrency,
        timeout,
        now,
    )
    .await;
    let now = i64::try_from(now).unwrap_or(i64::MAX);
    let mut run = CheckRun {
        open: open.len(),
        checked: Vec::new(),
        skipped: Vec::new(),
    };
    for (lookup, report) in lookups.iter().zip(reports) {
        let case = lookup.case;
        let Some(report) = report else {
            let why = lookup.query.as_ref().err().cloned().unwrap_or_default();
            run.skipped.push((case.id, why));
            continue;
        };
        let lang = Lang::from_code(&case.lang).unwrap_or(settings.lang);
        let state = state_of(&report);
        // No endpoint could answer this time: not news for the customer.
        // The last verdict stays (with its report); only the check is dated.
        if state.status == Status::Unknown.as_str() {
            let Some(stored) = store.touch(case.id, now)? else {
                continue; // closed meanwhile
            };
            if stored.status != state.status {
                if let Some(case) = store.get(case.id)? {
                    run.checked.push(Checked {
                        case,
                        before: stored,
                        report,
                        news: false,
                        closed: false,
                        unanswered: true,
                    });
                }
                continue;
            }
        }
        let end = is_end(&state, case.expect.is_some());
        let json = report_json(&report, lang, settings).to_string();
        let mut news = false;
        let before = store.record_check(case.id, &state, &json, now, |old| {
            news = changed(old, &state);
            (news, end)
        })?;
        let (Some(before), Some(case)) = (before, store.get(case.id)?) else {
            continue; // closed by someone else meanwhile
        };
        run.checked.push(Checked {
            case,
            before,
            report,
            news,
            closed: end,
            unanswered: false,
        });
    }
    Ok(run)
}

/// What a report concludes, as a case keeps it. An address case (an
/// expected deposit) reads as the matching transfer's status, `not_found`
/// while nothing matched, `unknown` when the chains could not say.
pub fn state_of(report: &Report) -> State {
    match report {
        Report::Tx(r) => State {
            status: r.status.as_str().to_string(),
            reason: Some(r.reason.as_str().to_string()),
            confirmations: r.confirmations,
            required: r.required_confirmations,
        },
        Report::Address(a) => {
            let status = match (&a.matched, a.outcome) {
                (Some(_), _) => a
                    .match_report
                    .as_ref()
                    .map_or(Status::Confirmed, |m| m.status),
                (None, Outcome::NoMatch) => Status::NotFound,
                (None, _) => Status::Unknown,
            };
            let m = a.match_report.as_deref();
            State {
                status: status.as_str().to_string(),
                reason: Some(
                    if a.matched.is_some() {
                        "expected_received"
                    } else {
                        "expected_not_received"
                    }
                    .to_string(),
                ),
                confirmations: m.and_then(|m| m.confirmations),
                required: m.and_then(|m| m.required_confirmations),
            }
        }
    }
}

/// Whether a case in `state` is over: a transaction final, failed,
/// replaced or dropped; an expected deposit received in a block.
pub fn is_end(state: &State, address: bool) -> bool {
    let s = state.status.as_str();
    if address {
        return state.reason.as_deref() == Some("expected_received")
            && matches!(s, "confirmed" | "finalized");
    }
    matches!(s, "finalized" | "failed" | "replaced" | "dropped")
}

/// Whether `new` is news after `old`: another status or reason, or the
/// confirmations reaching the count required (a customer waits for that).
pub fn changed(old: &State, new: &State) -> bool {
    if old.status != new.status || old.reason != new.reason {
        return true;
    }
    let required = new.required.or(old.required);
    match (required, old.confirmations, new.confirmations) {
        (Some(req), before, Some(now)) => before.unwrap_or(0) < req && now >= req,
        _ => false,
    }
}

/// `--expect` as stored, as the lookup takes it.
pub fn expect_of(stored: &StoredExpect) -> Expect {
    Expect {
        amount: stored.amount.clone(),
        token: stored.token.clone(),
        from: stored.from.clone(),
        memo: stored.memo.clone(),
    }
}

/// How far back an address case reads: from a day before it was opened
/// (the customer wrote after sending) until now.
pub fn scope_for(opened_at: i64, now: u64, expect: Option<&StoredExpect>) -> chain::AddressScope {
    let open_for = now.saturating_sub(u64::try_from(opened_at).unwrap_or(0));
    chain::AddressScope {
        since_secs: DEFAULT_ADDRESS_WINDOW.as_secs().saturating_add(open_for),
        now,
        sender: expect.and_then(|e| e.from.clone()),
    }
}

/// One case to look up: its query parsed again (the configuration may
/// have changed since it was opened: a query no chain takes any more is
/// an error for that case alone).
struct Lookup<'a> {
    case: &'a Case,
    query: Result<Query, String>,
}

fn lookups<'a>(cases: &'a [Case], settings: &Settings) -> Vec<Lookup<'a>> {
    cases
        .iter()
        .map(|case| Lookup {
            case,
            query: query::parse(&case.query, &settings.config, case.chain.as_deref())
                .map_err(|e| e.to_string()),
        })
        .collect()
}

/// Looks every case up again, `concurrency` at once on one client (the
/// batch engine: shared requests, shared chain facts, paced endpoints),
/// each bounded by `timeout`; reports in the order of `lookups`.
async fn look_up_all(
    client: &RpcClient,
    settings: &Settings,
    memory: &Memory,
    lookups: &[Lookup<'_>],
    concurrency: usize,
    timeout: Option<std::time::Duration>,
    now: u64,
) -> Vec<Option<Report>> {
    // Owned per lookup (a stream over borrowed items would not be `Send`
    // for every lifetime, as a server's handler must be).
    let owned: Vec<Option<(Query, Option<Expect>, chain::AddressScope)>> = lookups
        .iter()
        .map(|l| {
            let q = l.query.as_ref().ok()?.clone();
            let expect = l.case.expect.as_ref().map(expect_of);
            let scope = scope_for(l.case.opened_at, now, l.case.expect.as_ref());
            Some((q, expect, scope))
        })
        .collect();
    stream::iter(owned)
        .map(|item| async move {
            let (q, expect, scope) = item?;
            let q = &q;
            let ask = Ask {
                expect: expect.as_ref(),
                scope: &scope,
                memory,
                timeout,
                poisoning_check: false,
            };
            Some(Box::pin(super::answer(client, settings, q, ask)).await)
        })
        .buffered(concurrency.max(1))
        .collect()
        .await
}

/// The contract's case object.
pub fn case_json(case: &Case) -> Value {
    let report: Value = serde_json::from_str(&case.report).unwrap_or(Value::Null);
    json!({
        "case": case.id,
        "ticket": case.ticket,
        "query": case.query,
        "chain": case.chain,
        "lang": case.lang,
        "note": case.note,
        "expect": case.expect.as_ref().map(|e| json!({
            "amount": e.amount, "token": e.token, "from": e.from, "memo": e.memo,
        })),
        "opened_at": rfc3339(case.opened_at),
        "checked_at": rfc3339(case.checked_at),
        "closed_at": case.closed_at.map(rfc3339),
        "status": case.state.status,
        "reason": case.state.reason,
        "confirmations": case.state.confirmations,
        "previous_status": case.previous_status,
        "closed": case.closed_at.is_some(),
        "report": report,
    })
}

pub fn rfc3339(unix: i64) -> String {
    let t =
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::try_from(unix).unwrap_or(0));
    humantime::format_rfc3339_seconds(t).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(status: &str, reason: &str, conf: Option<u64>, req: Option<u64>) -> State {
        State {
            status: status.into(),
            reason: Some(reason.into()),
            confirmations: conf,
            required: req,
        }
    }

    #[test]
    fn news_is_another_status_or_reason_or_the_required_count_reached() {
        let pending = s("pending", "waiting", None, Some(12));
        let gap = s("pending", "nonce_gap", None, Some(12));
        let three = s("confirmed", "included", Some(3), Some(12));
        let five = s("confirmed", "included", Some(5), Some(12));
        let twelve = s("confirmed", "included", Some(12), Some(12));
        let thirteen = s("confirmed", "included", Some(13), Some(12));
        assert!(changed(&pending, &gap), "another reason");
        assert!(changed(&pending, &three), "another status");
        assert!(!changed(&three, &five), "more confirmations, still short");
        assert!(changed(&five, &twelve), "the count reached");
        assert!(!changed(&twelve, &thirteen), "reached already");
        assert!(!changed(&pending, &pending.clone()), "nothing new");
        let final_ = s("finalized", "included", None, None);
        assert!(changed(&twelve, &final_));
    }

    #[test]
    fn end_states_close_a_case_and_an_address_closes_on_a_received_deposit() {
        for end in ["finalized", "failed", "replaced", "dropped"] {
            assert!(is_end(&s(end, "x", None, None), false), "{end}");
        }
        for open in ["pending", "confirmed", "not_found", "unknown"] {
            assert!(!is_end(&s(open, "x", None, None), false), "{open}");
        }
        assert!(is_end(
            &s("confirmed", "expected_received", Some(1), Some(12)),
            true
        ));
        assert!(!is_end(
            &s("pending", "expected_received", None, None),
            true
        ));
        assert!(!is_end(
            &s("not_found", "expected_not_received", None, None),
            true
        ));
        assert!(
            !is_end(&s("finalized", "included", None, None), true),
            "an address case ends on its expected deposit only"
        );
    }

    #[test]
    fn an_address_case_reads_back_from_a_day_before_it_was_opened() {
        let scope = scope_for(1_000_000, 1_000_000 + 3 * 86_400, None);
        assert_eq!(scope.since_secs, 4 * 86_400);
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
