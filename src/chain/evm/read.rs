//! The first answer to an EVM transaction lookup, read: the chain id, the
//! transaction, its receipt and the head checked against each other and the
//! configuration, and the found transaction's facts — at once when they need
//! nothing more, else the second request (and the replay of a failed call)
//! still to make, boxed. Kept out of `ask`'s future: a batch holds thousands
//! of lookups waiting for their first answer, and a future is as large as
//! what it keeps across its awaits.

use alloy_primitives::{B256, U256};

use super::convert::{self, TokenBook};
use super::wire::{FeeHistory, Receipt, Transaction};
use super::{
    Extra, Wanted, check_chain_id, fail, failure_without_replay, follow_up, needs_replay,
    replay_elsewhere, verify,
};
use crate::chain::spec::Chain;
use crate::chain::transport::{CallResult, Endpoint, RpcClient, decode};
use crate::chain::{Answer, EndpointFailure, FaultKind};
use crate::model::{Congestion, Failure, FailureKind, FamilyFacts};

/// What the first answer says: the answer itself, or the second request
/// it needs (and what follows it) still to make.
pub(super) enum Read<'a> {
    Done(Answer),
    FollowUp(futures_util::future::BoxFuture<'a, Result<Answer, EndpointFailure>>),
}

/// The answers to `ask`'s calls, checked against each other and the
/// configuration, and the found transaction's facts when they need no
/// second request.
pub(super) fn read<'a>(
    client: &'a RpcClient,
    endpoint: &'a Endpoint,
    chain: &'a Chain,
    hash: B256,
    answers: Vec<CallResult>,
) -> Result<Read<'a>, EndpointFailure> {
    let [chain_id, tx, receipt, head, fee_history] = <[CallResult; 5]>::try_from(answers)
        .map_err(|_| fail(false, "wrong number of answers".into()))?;

    check_chain_id(&chain_id, chain)?;
    let tx: Option<Transaction> =
        decode(&tx).map_err(|e| fail(false, format!("eth_getTransactionByHash: {e}")))?;
    let receipt: Option<Receipt> =
        decode(&receipt).map_err(|e| fail(false, format!("eth_getTransactionReceipt: {e}")))?;
    // The head dates every answer: without it the endpoint can neither
    // count confirmations nor testify that a hash is unknown.
    let head = decode::<U256>(&head)
        .map_err(|e| format!("eth_blockNumber: {e}"))
        .and_then(|h| verify::fit(h, "eth_blockNumber"));
    // Fee history only feeds the congestion figures and the pending
    // diagnosis; its absence is not fatal. Its figures are read once for all
    // the lookups that share the answer; the history itself only when pending.
    let congestion = fee_history.as_ref().ok().and_then(|answer| {
        answer.read_once(|text| {
            serde_json::from_str::<FeeHistory>(text)
                .ok()
                .as_ref()
                .and_then(convert::congestion)
        })
    });
    let Some(tx) = tx else {
        if receipt.is_some() {
            return Err(EndpointFailure::inconsistent(
                "returned a receipt but not the transaction",
            ));
        }
        let head = head.map_err(|e| {
            EndpointFailure::new(
                FaultKind::Lagging,
                format!("cannot say whether it knows the transaction: {e}"),
            )
        })?;
        return Ok(Read::Done(Answer::Unknown {
            head: Some(head),
            congestion,
        }));
    };
    let head = head.map_err(|e| fail(false, e))?;
    verify::included_block(hash, &tx, receipt.as_ref(), head)
        .map_err(EndpointFailure::inconsistent)?;

    let book = convert::token_book(chain);
    let pending = tx.block_number.is_none();
    let fee_history = if pending {
        decode::<FeeHistory>(&fee_history).ok()
    } else {
        None
    };
    let mut tokens = convert::unknown_tokens(&tx, receipt.as_ref(), &book);
    let tokens_unread = tokens.len().saturating_sub(crate::chain::MAX_TOKEN_READS);
    tokens.truncate(crate::chain::MAX_TOKEN_READS);
    let wanted = Wanted {
        replay: needs_replay(&tx, receipt.as_ref()),
        tokens,
        sender_nonce: pending.then_some(tx.from),
        pending_block: pending && fee_history.is_none(),
    };
    let failure = receipt
        .as_ref()
        .and_then(|r| failure_without_replay(&tx, r));
    let found = Found {
        tx,
        receipt,
        head,
        congestion,
        fee_history,
        book,
        tokens_unread,
        failure,
    };
    if wanted.is_empty() {
        return Ok(Read::Done(found.answer(chain, Extra::default())));
    }
    // Rarer paths: the follow-up, and the replay of a failed call elsewhere.
    Ok(Read::FollowUp(Box::pin(async move {
        let mut found = found;
        let mut extra = follow_up(client, endpoint, &found.tx, &wanted).await;
        found.failure = found.failure.take().or(extra.failure.take());
        if wanted.replay
            && found
                .failure
                .as_ref()
                .is_none_or(|f| f.kind == FailureKind::Unavailable)
        {
            let replayed = replay_elsewhere(client, chain, endpoint, &found.tx).await;
            found.failure = replayed.or(found.failure.take());
        }
        Ok(found.answer(chain, extra))
    })))
}

/// A transaction an endpoint has, read from the first answer.
struct Found {
    tx: Transaction,
    receipt: Option<Receipt>,
    head: u64,
    congestion: Option<Congestion>,
    /// Read only while the transaction is pending.
    fee_history: Option<FeeHistory>,
    book: TokenBook,
    tokens_unread: usize,
    failure: Option<Failure>,
}

impl Found {
    /// Its facts, with what a second request added (`extra`).
    fn answer(mut self, chain: &Chain, extra: Extra) -> Answer {
        self.book.extend(extra.tokens);
        let (tx, receipt) = (&self.tx, self.receipt.as_ref());
        let mut facts = convert::tx_facts(chain, tx, receipt, Some(self.head), &self.book);
        facts.tokens_unread = self.tokens_unread;
        facts.failure = self.failure;
        facts.congestion = self.congestion;
        if tx.block_number.is_none() {
            facts.family = FamilyFacts::Evm {
                pending: Some(Box::new(convert::pending_facts(
                    tx,
                    self.fee_history.as_ref(),
                    extra.pending_base_fee,
                    extra.sender_nonce,
                ))),
            };
        }
        Answer::Found(Box::new(facts))
    }
}
