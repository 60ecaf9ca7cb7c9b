//! Connections the database dropped. The PostgreSQL pool does not ping a connection before
//! handing it out (that doubled every query's round trips), so after the database restarts
//! or the network drops, each idle connection in the pool is dead and would fail the next
//! request that gets it with a 503, long after the database is back. Instead, an I/O error
//! on any connection marks the pool suspect: the next [`PINGS_AFTER_A_LOSS`] acquisitions
//! ping first, and a connection that does not answer is closed and replaced (a new one, if
//! no idle one is left). Pings cost a round trip only after a loss.
//!
//! Process-wide rather than per pool: a loss seen by one store only costs another store in
//! the same process (tests) a few pings.

use std::sync::atomic::{AtomicU32, Ordering};

/// More than any pool holds, so that every idle connection is tried once; the pool hands
/// out idle connections first in, first out.
pub const PINGS_AFTER_A_LOSS: u32 = 256;

static PINGS_OWED: AtomicU32 = AtomicU32::new(0);

/// A connection failed on I/O: its siblings in the pool may be dead too.
pub fn lost() {
    PINGS_OWED.store(PINGS_AFTER_A_LOSS, Ordering::SeqCst);
}

/// Should the connection being acquired be pinged first? Counts the ping as done.
pub fn ping_due() -> bool {
    PINGS_OWED
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loss_owes_pings_and_each_acquisition_pays_one() {
        lost();
        let paid = std::iter::from_fn(|| ping_due().then_some(())).count();
        assert_eq!(paid, PINGS_AFTER_A_LOSS as usize);
        assert!(!ping_due());
    }
}
