//! SQLite's write path: one writer thread that **group-commits**, one thread that makes the
//! commits durable, one that checkpoints.
//!
//! - The *writer* owns a rusqlite connection (see [`super::tx`] for why not sqlx). It takes
//!   every unit of work waiting (up to [`MAX_BATCH`]), runs each inside its own `SAVEPOINT` of
//!   one `BEGIN IMMEDIATE` transaction, rolls back just the units that fail, and commits once.
//! - The connection runs with `synchronous = NORMAL`, so a commit writes the WAL without
//!   waiting for the disk; the *syncer* then `fdatasync`s the WAL file and only after that
//!   answers the batch's callers. Meanwhile the writer already runs the next batch: the disk
//!   flush of one batch overlaps the work of the next, and one flush covers every batch
//!   committed while the previous flush ran. A unit is acknowledged only once durable, as with
//!   `synchronous = FULL`. The difference: another connection can read a batch during the
//!   ~1 ms before its flush completes, so after a power cut (not a process crash — the OS
//!   still holds the writes) a change that someone read but whose writer was never answered
//!   can be gone.
//! - Automatic checkpoints are off on the writer; the *checkpointer* runs a `PASSIVE`
//!   checkpoint on its own connection after every [`CHECKPOINT_EVERY`] commits, so copying
//!   the WAL back into the database (and its fsyncs) does not stall the writer; past
//!   [`RESTART_PAGES`] it makes the WAL start over, and a WAL that grew past 64 MiB (a bulk
//!   load) is truncated back to that when it does.

use std::path::{Path, PathBuf};
use std::sync::mpsc as sync_mpsc;

use tokio::sync::mpsc;

use super::queue::{Deliver, Job, gone};
use super::tx::{Tx, sqlite_error};
use crate::{Error, Result};

/// Units of work one SQLite commit may carry.
pub const MAX_BATCH: usize = 64;
/// Commits between two checkpoints.
const CHECKPOINT_EVERY: u32 = 32;
/// WAL pages (of 4 KiB) past which a checkpoint makes the WAL start over (64 MiB).
const RESTART_PAGES: i64 = 16384;

/// Opens the writer's and checkpointer's connections to `file` and starts the three threads.
pub fn start(file: &str, queue: mpsc::Receiver<Job>) -> Result<()> {
    if file.is_empty() {
        return Err(Error::InvalidUrl(
            "an in-memory SQLite database cannot be shared by the writer and the readers; name a file".into(),
        ));
    }
    let writer = open(file)?;
    writer
        .execute_batch("PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864;")
        .map_err(sqlite_error)?;
    writer.set_prepared_statement_cache_capacity(256);
    let checkpointer = open(file)?;
    let wal = PathBuf::from(format!("{file}-wal"));
    sync_directory(&wal)?;

    let (synced, to_sync) = sync_mpsc::channel::<Vec<Deliver>>();
    let (nudge, nudged) = sync_mpsc::sync_channel::<()>(1);
    spawn("casefile-writer", move || {
        writer_loop(Tx::Sqlite(writer), queue, synced, nudge)
    })?;
    spawn("casefile-wal-sync", move || sync_loop(&wal, to_sync))?;
    spawn("casefile-checkpoint", move || {
        checkpoint_loop(checkpointer, nudged)
    })?;
    Ok(())
}

fn spawn(name: &str, body: impl FnOnce() + Send + 'static) -> Result<()> {
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(body)
        .map(|_| ())
        .map_err(|e| Error::Unavailable(Box::new(e)))
}

fn open(file: &str) -> Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open(file).map_err(sqlite_error)?;
    let _mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .map_err(sqlite_error)?;
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;
         PRAGMA temp_store = MEMORY;",
    )
    .map_err(sqlite_error)?;
    Ok(conn)
}

/// Makes the WAL file's own directory entry durable (it may just have been created).
fn sync_directory(wal: &Path) -> Result<()> {
    let dir = match wal.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::Unavailable(Box::new(e)))
}

/// Runs a statement that takes no parameters on the writer's connection (prepared once).
fn control(tx: &Tx, sql: &str) -> Result<()> {
    match tx {
        Tx::Sqlite(conn) => conn
            .prepare_cached(sql)
            .and_then(|mut s| s.raw_execute())
            .map(|_| ())
            .map_err(sqlite_error),
        Tx::Any(_) => Err(Error::Unavailable(
            "the writer holds no SQLite connection".into(),
        )),
    }
}

/// Waits for units, runs every unit waiting in one transaction, commits, and hands the
/// batch's answers to the syncer. A unit's statements run in place, so its future completes
/// on its first poll.
fn writer_loop(
    mut tx: Tx,
    mut queue: mpsc::Receiver<Job>,
    synced: sync_mpsc::Sender<Vec<Deliver>>,
    nudge: sync_mpsc::SyncSender<()>,
) {
    let mut commits: u32 = 0;
    while let Some(first) = queue.blocking_recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        if let Err(e) = control(&tx, "BEGIN IMMEDIATE") {
            tracing::warn!(error = %e, units = jobs.len(), "writer cannot begin a transaction");
            continue; // dropping the jobs answers their callers with Unavailable
        }
        let mut delivered: Vec<Deliver> = Vec::with_capacity(jobs.len());
        for job in jobs {
            if control(&tx, "SAVEPOINT unit").is_err() {
                continue;
            }
            match futures::executor::block_on((job.run)(&mut tx)) {
                Some(deliver) => {
                    if control(&tx, "RELEASE unit").is_ok() {
                        delivered.push(deliver);
                    } else {
                        deliver(Err(gone()));
                    }
                }
                None => {
                    let _ = control(&tx, "ROLLBACK TO unit");
                    let _ = control(&tx, "RELEASE unit");
                }
            }
        }
        match control(&tx, "COMMIT") {
            Ok(()) => {
                if let Err(unsent) = synced.send(delivered) {
                    for deliver in unsent.0 {
                        deliver(Err(gone()));
                    }
                }
                commits += 1;
                if commits.is_multiple_of(CHECKPOINT_EVERY) {
                    let _ = nudge.try_send(()); // one already pending is as good
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, units = delivered.len(), "group commit failed");
                let _ = control(&tx, "ROLLBACK");
                let message = e.to_string();
                for deliver in delivered {
                    deliver(Err(Error::Unavailable(message.clone().into())));
                }
            }
        }
    }
}

/// Flushes the WAL once for every batch committed since the last flush, then answers them.
fn sync_loop(wal: &Path, to_sync: sync_mpsc::Receiver<Vec<Deliver>>) {
    while let Ok(first) = to_sync.recv() {
        let mut batches = vec![first];
        batches.extend(to_sync.try_iter());
        let flushed = match std::fs::File::open(wal).and_then(|f| f.sync_data()) {
            Ok(()) => Ok(()),
            // No WAL: everything was checkpointed into the (synced) database and the WAL removed.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => {
                tracing::error!(error = %e, "cannot flush the SQLite WAL");
                Err(e.to_string())
            }
        };
        for deliver in batches.into_iter().flatten() {
            deliver(flushed.clone().map_err(|m| Error::Unavailable(m.into())));
        }
    }
}

/// Copies committed WAL frames back into the database when the writer asks. Under a steady
/// write load a `PASSIVE` checkpoint never catches up with the writer, so the WAL would never
/// start over and would grow without bound; once it holds [`RESTART_PAGES`], a `RESTART`
/// checkpoint holds the writer back (for the few milliseconds of copying, or while a long read
/// still uses old frames — at most the 5 s busy timeout, after which it gives up until the
/// next nudge) until every frame is in the database and the next commit writes the WAL from
/// its start again.
fn checkpoint_loop(conn: rusqlite::Connection, nudged: sync_mpsc::Receiver<()>) {
    while nudged.recv().is_ok() {
        let wal_pages = match checkpoint(&conn, "PASSIVE") {
            Ok(pages) => pages,
            Err(e) => {
                tracing::warn!(error = %e, "checkpoint failed; the next one retries");
                continue;
            }
        };
        if wal_pages >= RESTART_PAGES
            && let Err(e) = checkpoint(&conn, "RESTART")
        {
            tracing::warn!(error = %e, wal_pages, "restarting checkpoint failed; the next one retries");
        }
    }
}

/// Runs a checkpoint; the WAL's size in pages.
fn checkpoint(conn: &rusqlite::Connection, mode: &str) -> rusqlite::Result<i64> {
    conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |row| {
        row.get::<_, i64>(1)
    })
}
