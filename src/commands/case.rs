//! `txdoctor case add|list|check|close`: tickets followed up. `add` looks
//! the query up at once and keeps it with its ticket, language and note;
//! `check` looks every open case up again with the batch engine and prints
//! what changed, with the reply to send; an end state closes a case.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::app::cases::{self, store::NewCase, store::State, store::Store, store::StoredExpect};
use crate::app::{self, Ask, Report, Style, store as memory_store};
use crate::chain::{self, transport};
use crate::cli::{
    CaseAddArgs, CaseArgs, CaseCheckArgs, CaseCloseArgs, CaseCommand, CaseListArgs, FailOn,
};
use crate::exit::{self, UsageError};
use crate::memory;
use crate::query;
use crate::render::Lang;
use crate::safe;
use crate::settings::Settings;

pub async fn run(args: &CaseArgs, settings: &Settings, out: &mut dyn Write) -> Result<u8> {
    let path = store_path(args)?;
    match &args.command {
        CaseCommand::Add(a) => add(a, &path, settings, out).await,
        CaseCommand::List(a) => list(a, &path, out),
        CaseCommand::Check(a) => check(a, &path, settings, out).await,
        CaseCommand::Close(a) => close(a, &path, out),
    }
}

fn store_path(args: &CaseArgs) -> Result<PathBuf, UsageError> {
    args.store
        .clone()
        .or_else(cases::store::default_path)
        .ok_or_else(|| {
            UsageError::new("no place for the case store: neither XDG_DATA_HOME nor HOME is set")
                .hint("give one with --store FILE")
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

async fn add(
    args: &CaseAddArgs,
    path: &Path,
    settings: &Settings,
    out: &mut dyn Write,
) -> Result<u8> {
    // Before anything is looked up or stored: a secret anywhere is refused.
    let q = query::parse(&args.query, &settings.config, args.chain.as_deref())?;
    refuse_secret("--ticket", args.ticket.as_deref())?;
    refuse_secret("--note", args.note.as_deref())?;
    let expect = app::expectation(
        args.expect.expect.as_deref(),
        args.expect.token.as_deref(),
        args.expect.from.as_deref(),
        args.expect.memo.as_deref(),
    )?;
    let address = app::lookup::is_address(&q)
        || (expect.is_some() && app::lookup::account_reading(&q, settings).is_some());
    match (address, &expect) {
        (true, None) => {
            return Err(UsageError::new(format!(
                "{} is an address: an address case follows an expected deposit",
                safe::shorten(args.query.trim())
            ))
            .hint("say what should arrive, e.g. --expect \"100 USDT\"")
            .into());
        }
        (false, Some(_)) => {
            return Err(UsageError::new(format!(
                "--expect looks for a transfer to an address, but {} is a transaction",
                safe::shorten(args.query.trim())
            ))
            .hint("open the case for the transaction alone, or for the receiving address with --expect")
            .into());
        }
        _ => {}
    }
    let mut store = Store::open(path)?;
    if let Some(ticket) = &args.ticket {
        let open = store.open_of_ticket(ticket)?;
        if !open.is_empty() && !args.again {
            return Err(ticket_open(ticket, &open).into());
        }
    }

    let now = memory::unix_now();
    let stored_expect = expect.as_ref().map(|e| StoredExpect {
        amount: e.amount.clone(),
        token: e.token.clone(),
        from: e.from.clone(),
        memo: e.memo.clone(),
    });
    let scope = chain::AddressScope {
        since_secs: args
            .expect
            .since
            .unwrap_or(app::DEFAULT_ADDRESS_WINDOW)
            .as_secs()
            .max(1),
        now,
        sender: args.expect.from.clone(),
    };
    let client = transport::RpcClient::with_options(
        settings.request_timeout.min(args.timeout.mul_f64(0.8)),
        settings.log,
        transport::Options::INTERACTIVE,
    )?;
    let mut memory = memory_store::open_memory(settings);
    let ask = Ask {
        expect: expect.as_ref(),
        scope: &scope,
        memory: &memory,
        timeout: Some(args.timeout),
        poisoning_check: true,
    };
    let report = app::answer(&client, settings, &q, ask).await;
    if let Report::Tx(r) = &report {
        memory_store::remember(&mut memory, [r.as_ref()], settings);
    }
    let lang = settings.lang;
    let state = cases::state_of(&report);
    let closed = cases::is_end(&state, address);
    let new = NewCase {
        ticket: args.ticket.clone(),
        query: args.query.trim().to_string(),
        chain: args.chain.clone(),
        lang: lang.code().to_string(),
        note: args.note.clone(),
        expect: stored_expect,
        state: state.clone(),
        report: cases::report_json(&report, lang, settings).to_string(),
        now: i64::try_from(now).unwrap_or(i64::MAX),
        closed,
    };
    let id = match store.add(&new, args.again) {
        Ok(id) => id,
        Err(cases::store::AddRefused::TicketOpen(open)) => {
            return Err(ticket_open(args.ticket.as_deref().unwrap_or_default(), &open).into());
        }
        Err(cases::store::AddRefused::Store(e)) => return Err(e.into()),
    };
    let case = store
        .get(id)?
        .ok_or_else(|| anyhow::anyhow!("case {id} was stored but cannot be read back"))?;
    if args.json {
        super::print(out, &format!("{:#}\n", cases::case_json(&case)))?;
        return Ok(exit::OK);
    }
    let follow = if closed {
        "closed at once: it is over, nothing to follow".to_string()
    } else {
        "`txdoctor case check` looks it up again".to_string()
    };
    let mut text = format!(
        "case #{id}{}: {}; {follow}\n\n",
        ticket_label(case.ticket.as_deref()),
        state_words(&state),
    );
    text.push_str(&app::render(&[report], Style::Reply, lang, settings)?);
    super::print(out, &text)?;
    Ok(exit::OK)
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

fn ticket_label(ticket: Option<&str>) -> String {
    ticket
        .map(|t| format!(" ({})", safe::text(t)))
        .unwrap_or_default()
}

fn state_words(state: &State) -> String {
    let mut s = state.status.clone();
    if let Some(reason) = state.reason.as_deref().filter(|r| *r != state.status) {
        s.push_str(&format!(" ({reason})"));
    }
    if let (Some(c), Some(r)) = (state.confirmations, state.required)
        && state.status == "confirmed"
    {
        s.push_str(&format!(", {c} of {r} confirmations"));
    }
    s
}

fn list(args: &CaseListArgs, path: &Path, out: &mut dyn Write) -> Result<u8> {
    let store = Store::open(path)?;
    let all = store.list(args.all)?;
    let mut text = String::new();
    if args.json {
        for case in &all {
            text.push_str(&cases::case_json(case).to_string());
            text.push('\n');
        }
        super::print(out, &text)?;
        return Ok(exit::OK);
    }
    if all.is_empty() {
        text.push_str(if args.all {
            "no cases yet: `txdoctor case add QUERY --ticket ID` opens one\n"
        } else {
            "no open cases (`case list --all` shows the closed ones)\n"
        });
        super::print(out, &text)?;
        return Ok(exit::OK);
    }
    let now = i64::try_from(memory::unix_now()).unwrap_or(i64::MAX);
    let mut table = comfy_table::Table::new();
    table.load_style(comfy_table::presets::NOTHING);
    let mut header = vec!["case", "ticket", "query", "status", "age", "last check"];
    if args.all {
        header.push("closed");
    }
    table.set_header(header);
    for case in &all {
        let mut row = vec![
            format!("#{}", case.id),
            case.ticket.as_deref().map(safe::text).unwrap_or_default(),
            short_query(&case.query),
            state_words(&case.state),
            age(now - case.opened_at),
            format!("{} ago", age(now - case.checked_at)),
        ];
        if args.all {
            row.push(
                case.closed_at
                    .map(|c| format!("{} ago", age(now - c)))
                    .unwrap_or_default(),
            );
        }
        table.add_row(row);
    }
    text.push_str(&table.to_string());
    text.push('\n');
    super::print(out, &text)?;
    Ok(exit::OK)
}

/// A query as a list shows it: both ends of a long hash or link.
fn short_query(q: &str) -> String {
    let q = safe::text(q);
    let n = q.chars().count();
    if n <= 24 {
        return q;
    }
    let head: String = q.chars().take(12).collect();
    let tail: String = q.chars().skip(n - 8).collect();
    format!("{head}…{tail}")
}

/// "45s", "12m", "3h", "2d".
fn age(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

async fn check(
    args: &CaseCheckArgs,
    path: &Path,
    settings: &Settings,
    out: &mut dyn Write,
) -> Result<u8> {
    let mut store = Store::open(path)?;
    let open = store.list(false)?;
    if open.is_empty() {
        settings
            .log
            .info(format_args!("no open cases in {}", path.display()));
        return Ok(exit::OK);
    }
    let started = std::time::Instant::now();
    // The batch engine: shared requests, shared chain facts, paced endpoints.
    let client = transport::RpcClient::with_options(
        settings.request_timeout,
        settings.log,
        transport::Options::BATCH,
    )?;
    let mut memory = memory_store::open_memory(settings);
    let now = memory::unix_now();
    let lookups = cases::lookups(&open, settings);
    let reports = cases::look_up_all(
        &client,
        settings,
        &memory,
        &lookups,
        args.concurrency as usize,
        args.timeout,
        now,
    )
    .await;
    memory_store::remember(
        &mut memory,
        reports.iter().filter_map(|r| match r {
            Some(Report::Tx(t)) => Some(t.as_ref()),
            _ => None,
        }),
        settings,
    );

    let now = i64::try_from(now).unwrap_or(i64::MAX);
    let mut text = String::new();
    let (mut changed_n, mut closed_n, mut fail_code) = (0usize, 0usize, exit::OK);
    for (lookup, report) in lookups.iter().zip(reports) {
        let case = lookup.case;
        let Some(report) = report else {
            let why = lookup.query.as_ref().err().cloned().unwrap_or_default();
            settings.log.warn(format_args!(
                "case #{}: {} cannot be looked up with this configuration: {why}",
                case.id,
                safe::shorten(&case.query)
            ));
            continue;
        };
        let lang = Lang::from_code(&case.lang).unwrap_or(settings.lang);
        let address = case.expect.is_some();
        let state = cases::state_of(&report);
        let end = cases::is_end(&state, address);
        fail_code = fail_code.max(fail_code_of(&state, &args.fail_on));
        let json = cases::report_json(&report, lang, settings).to_string();
        let mut news = false;
        let before = store.record_check(case.id, &state, &json, now, |old| {
            news = cases::changed(old, &state);
            (news, end)
        })?;
        let Some(before) = before else {
            continue; // closed by someone else meanwhile
        };
        if end {
            closed_n += 1;
        }
        if !news {
            continue;
        }
        changed_n += 1;
        let Some(updated) = store.get(case.id)? else {
            continue;
        };
        if args.json {
            text.push_str(&cases::case_json(&updated).to_string());
            text.push('\n');
            continue;
        }
        let reply = app::render(&[report], Style::Reply, lang, settings)?;
        if args.reply {
            text.push_str(&format!(
                "{}\n{reply}\n",
                case.ticket
                    .as_deref()
                    .map(safe::text)
                    .unwrap_or_else(|| format!("#{}", case.id))
            ));
        } else {
            text.push_str(&format!(
                "#{}{}: {} → {}{}\n{reply}\n",
                case.id,
                ticket_label(case.ticket.as_deref()),
                before.status,
                state_words(&state),
                if end { " (closed)" } else { "" }
            ));
        }
    }
    super::print(out, &text)?;
    settings.log.info(format_args!(
        "{} open case{} checked in {:.1} s: {changed_n} changed, {closed_n} closed",
        open.len(),
        if open.len() == 1 { "" } else { "s" },
        started.elapsed().as_secs_f64()
    ));
    Ok(fail_code)
}

/// `--fail-on` as batch reads it, from a case's new state.
fn fail_code_of(state: &State, fail_on: &[FailOn]) -> u8 {
    let (wanted, code) = match state.status.as_str() {
        "pending" => (FailOn::Pending, exit::PENDING),
        "failed" => (FailOn::Failed, exit::FAILED),
        "replaced" => (FailOn::Replaced, exit::NOT_FOUND),
        "dropped" => (FailOn::Dropped, exit::NOT_FOUND),
        "not_found" => (FailOn::NotFound, exit::NOT_FOUND),
        "unknown" => (FailOn::Unknown, exit::UNKNOWN),
        _ => return exit::OK,
    };
    if fail_on.contains(&wanted) {
        code
    } else {
        exit::OK
    }
}

fn close(args: &CaseCloseArgs, path: &Path, out: &mut dyn Write) -> Result<u8> {
    let mut store = Store::open(path)?;
    let now = i64::try_from(memory::unix_now()).unwrap_or(i64::MAX);
    let given = args.case.trim();
    let number = given.strip_prefix('#').unwrap_or(given).parse::<i64>().ok();
    let targets: Vec<i64> = match number.map(|n| store.get(n)).transpose()?.flatten() {
        Some(case) => vec![case.id],
        None => {
            let of_ticket = store.of_ticket(given)?;
            if of_ticket.is_empty() {
                return Err(UsageError::new(format!(
                    "no case {} and no ticket with that id",
                    safe::shorten(given)
                ))
                .hint("`txdoctor case list --all` shows the cases and their tickets")
                .into());
            }
            let open: Vec<i64> = of_ticket
                .iter()
                .filter(|c| c.closed_at.is_none())
                .map(|c| c.id)
                .collect();
            if open.is_empty() {
                vec![of_ticket[0].id]
            } else {
                open
            }
        }
    };
    let mut text = String::new();
    for id in targets {
        let label = store
            .get(id)?
            .map(|c| ticket_label(c.ticket.as_deref()))
            .unwrap_or_default();
        if store.close(id, now)? {
            text.push_str(&format!("case #{id}{label} closed\n"));
        } else {
            text.push_str(&format!("case #{id}{label} was closed already\n"));
        }
    }
    super::print(out, &text)?;
    Ok(exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_short_queries_read_at_a_glance() {
        assert_eq!(age(5), "5s");
        assert_eq!(age(125), "2m");
        assert_eq!(age(3 * 3600 + 5), "3h");
        assert_eq!(age(3 * 86_400), "3d");
        assert_eq!(age(-4), "0s");
        let hash = format!("0x{}", "ab".repeat(32));
        assert_eq!(
            short_query(&hash),
            "0xabababab…abababab".replacen("abababab…", "ababababab…", 1)
        );
        assert_eq!(short_query("T\u{202e}x"), "T\\u{202e}x");
    }

    #[test]
    fn fail_on_reads_a_cases_status_as_batch_does() {
        let s = |status: &str| State {
            status: status.into(),
            reason: None,
            confirmations: None,
            required: None,
        };
        let on = [FailOn::Pending, FailOn::Unknown];
        assert_eq!(fail_code_of(&s("pending"), &on), exit::PENDING);
        assert_eq!(fail_code_of(&s("unknown"), &on), exit::UNKNOWN);
        assert_eq!(fail_code_of(&s("failed"), &on), exit::OK);
        assert_eq!(fail_code_of(&s("finalized"), &on), exit::OK);
    }
}
