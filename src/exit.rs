//! Exit codes and the error types that choose them, in one place.

use crate::model::Status;

pub const OK: u8 = 0;
pub const INTERNAL: u8 = 1;
pub const USAGE: u8 = 2;
pub const PENDING: u8 = 3;
pub const FAILED: u8 = 4;
pub const NOT_FOUND: u8 = 5;
pub const UNKNOWN: u8 = 6;

pub fn for_status(status: Status) -> u8 {
    match status {
        Status::Confirmed | Status::Finalized => OK,
        Status::Pending => PENDING,
        Status::Failed => FAILED,
        Status::NotFound | Status::Dropped | Status::Replaced => NOT_FOUND,
        Status::Unknown => UNKNOWN,
    }
}

/// Input the user can fix: exit 2, with a hint.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct UsageError {
    pub message: String,
    pub hint: Option<String>,
}

impl UsageError {
    pub fn new(message: impl Into<String>) -> Self {
        UsageError {
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// The exit code for an error that ended the program.
pub fn for_error(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<UsageError>().is_some()
        || e.downcast_ref::<crate::query::QueryError>().is_some()
    {
        USAGE
    } else {
        INTERNAL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_the_contracts_codes() {
        use Status::*;
        let codes: Vec<u8> = [
            Confirmed, Finalized, Pending, Failed, NotFound, Dropped, Replaced, Unknown,
        ]
        .map(for_status)
        .to_vec();
        assert_eq!(codes, [0, 0, 3, 4, 5, 5, 5, 6]);
    }

    #[test]
    fn errors_map_to_usage_or_internal() {
        assert_eq!(for_error(&anyhow::Error::new(UsageError::new("x"))), USAGE);
        assert_eq!(
            for_error(&anyhow::Error::new(crate::query::QueryError::Empty)),
            USAGE
        );
        assert_eq!(for_error(&anyhow::anyhow!("config broken")), INTERNAL);
    }
}
