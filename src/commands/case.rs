//! `txdoctor case add|list|check|close`: tickets followed up. `add` looks
//! the query up at once and keeps it with its ticket, language and note;
//! `check` looks every open case up again with the batch engine and prints
//! what changed, with the reply to send; an end state closes a case.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::app::batch::status_fail_code;
use crate::app::cases::{self, store::State, store::Store};
use crate::app::{self, Report, Style, store as memory_store};
use crate::chain::transport;
use crate::cli::{
    CaseAddArgs, CaseArgs, CaseCheckArgs, CaseCloseArgs, CaseCommand, CaseListArgs, FailOn,
};
use crate::exit::{self, UsageError};
use crate::memory;
use crate::model::Status;
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

async fn add(
    args: &CaseAddArgs,
    path: &Path,
    settings: &Settings,
    out: &mut dyn Write,
) -> Result<u8> {
    let expect = app::expectation(
        args.expect.expect.as_deref(),
        args.expect.token.as_deref(),
        args.expect.from.as_deref(),
        args.expect.memo.as_deref(),
    )?;
    let opening = cases::Opening {
        query: args.query.clone(),
        ticket: args.ticket.clone(),
        note: args.note.clone(),
        lang: settings.lang,
        chain: args.chain.clone(),
        expect,
        since: args.expect.since,
        again: args.again,
        timeout: args.timeout,
    };
    let client = transport::RpcClient::with_options(
        settings.request_timeout_within(args.timeout),
        settings.log,
        transport::Options::INTERACTIVE,
    )?;
    let mut memory = memory_store::open_memory(settings);
    let opened = cases::open(&client, settings, &memory, path, &opening).await?;
    if let Report::Tx(r) = &opened.report {
        memory_store::remember(&mut memory, [r.as_ref()], settings);
    }
    let case = &opened.case;
    if args.json {
        super::print(out, &format!("{:#}\n", cases::case_json(case)))?;
        return Ok(exit::OK);
    }
    let follow = if opened.closed {
        "closed at once: it is over, nothing to follow"
    } else {
        "`txdoctor case check` looks it up again"
    };
    let mut text = format!(
        "case #{}{}: {}; {follow}\n\n",
        case.id,
        ticket_label(case.ticket.as_deref()),
        state_words(&case.state),
    );
    text.push_str(&app::render(
        &[opened.report],
        Style::Reply,
        settings.lang,
        settings,
    )?);
    super::print(out, &text)?;
    Ok(exit::OK)
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
    let started = std::time::Instant::now();
    // The batch engine: shared requests, shared chain facts, paced endpoints.
    let client = transport::RpcClient::with_options(
        settings.request_timeout,
        settings.log,
        transport::Options::BATCH,
    )?;
    let mut memory = memory_store::open_memory(settings);
    let run = cases::check_open(
        &client,
        settings,
        &memory,
        path,
        args.concurrency as usize,
        args.timeout,
    )
    .await?;
    if run.open == 0 {
        settings
            .log
            .info(format_args!("no open cases in {}", path.display()));
        return Ok(exit::OK);
    }
    memory_store::remember(
        &mut memory,
        run.checked.iter().filter_map(|c| match &c.report {
            Report::Tx(t) => Some(t.as_ref()),
            _ => None,
        }),
        settings,
    );
    for (id, why) in &run.skipped {
        settings.log.warn(format_args!(
            "case #{id} cannot be looked up with this configuration: {why}"
        ));
    }
    let mut text = String::new();
    let mut fail_code = exit::OK;
    for c in &run.checked {
        if c.unanswered {
            settings.log.warn(format_args!(
                "case #{}{}: no endpoint could answer this time; it stays {}",
                c.case.id,
                ticket_label(c.case.ticket.as_deref()),
                c.case.state.status
            ));
            fail_code = fail_code.max(status_fail_code(Status::Unknown, &args.fail_on));
            continue;
        }
        fail_code = fail_code.max(fail_code_of(&c.case.state, &args.fail_on));
        if !c.news {
            continue;
        }
        if args.json {
            text.push_str(&cases::case_json(&c.case).to_string());
            text.push('\n');
            continue;
        }
        let lang = Lang::from_code(&c.case.lang).unwrap_or(settings.lang);
        let reply = app::render(
            std::slice::from_ref(&c.report),
            Style::Reply,
            lang,
            settings,
        )?;
        if args.reply {
            let head = c
                .case
                .ticket
                .as_deref()
                .map(safe::text)
                .unwrap_or_else(|| format!("#{}", c.case.id));
            text.push_str(&format!("{head}\n{reply}\n"));
        } else {
            text.push_str(&format!(
                "#{}{}: {} → {}{}\n{reply}\n",
                c.case.id,
                ticket_label(c.case.ticket.as_deref()),
                c.before.status,
                state_words(&c.case.state),
                if c.closed { " (closed)" } else { "" }
            ));
        }
    }
    super::print(out, &text)?;
    let changed = run.checked.iter().filter(|c| c.news).count();
    let closed = run.checked.iter().filter(|c| c.closed).count();
    settings.log.info(format_args!(
        "{} open case{} checked in {:.1} s: {changed} changed, {closed} closed",
        run.open,
        if run.open == 1 { "" } else { "s" },
        started.elapsed().as_secs_f64()
    ));
    Ok(fail_code)
}

/// `--fail-on` as batch reads it, from a case's new state.
fn fail_code_of(state: &State, fail_on: &[FailOn]) -> u8 {
    Status::parse(&state.status).map_or(exit::OK, |s| status_fail_code(s, fail_on))
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
