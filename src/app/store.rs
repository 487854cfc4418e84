//! The memory of pending transactions, as the use cases keep it: opened
//! once per run, updated from the reports, a problem never fatal.

use crate::memory::{self, Memory};
use crate::model::TxReport;
use crate::settings::Settings;

/// The store of pending transactions seen; a problem with it never stops a lookup.
pub fn open_memory(settings: &Settings) -> Memory {
    let (memory, problem) = Memory::open(settings.cache_dir.clone());
    if let Some(problem) = problem {
        settings
            .log
            .warn(format_args!("memory of pending transactions: {problem}"));
    }
    memory
}

/// Remembers the pending transactions among `reports`, forgets included ones.
pub fn remember<'a>(
    memory: &mut Memory,
    reports: impl IntoIterator<Item = &'a TxReport>,
    settings: &Settings,
) {
    let now = memory::unix_now();
    let updates: Vec<_> = reports
        .into_iter()
        .filter_map(|r| memory::update_for(r, now))
        .collect();
    save(memory, &updates, settings);
}

/// Writes `updates` to the store; a failure is a warning (a later run
/// could not tell replaced or dropped from not found), never fatal.
pub fn save(memory: &mut Memory, updates: &[memory::Update], settings: &Settings) {
    if let Err(e) = memory.record(updates) {
        settings
            .log
            .warn(format_args!("could not remember pending transactions: {e}"));
    }
}
