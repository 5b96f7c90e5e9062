//! The multiplexer of one connection: stream ids, the write queue and the tasks that
//! write and read frames.
//!
//! A request takes a free stream id (and registers a one-shot channel for its
//! response) in the [`StreamTable`], appends its frame to the write queue and wakes
//! the writer task. The writer takes everything queued so far and writes it in one
//! `write_all`. The reader task reads frames and hands each response to the request
//! waiting on its stream id; EVENT frames (stream -1) go to the event channel.
//!
//! A request future dropped before its response arrived leaves its stream id
//! *orphaned*: the id stays taken until the late response arrives (which is then
//! discarded) or the connection closes, so a late response can never be taken for
//! the answer to a later request that reused the id. Too many old orphans mean the
//! node stopped answering: the connection is broken with
//! [`BrokenConnectionErrorKind::TooManyOrphanedStreamIds`].
//!
//! No lock is held across an await: the stream table, the write queue and the event
//! sender each sit behind a `std::sync::Mutex` taken for a few instructions.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use scylla_cql::frame::response::event::EventV2;
use scylla_cql::frame::response::{CqlResponseKind, ResponseOpcode};
use scylla_cql::frame::{
    Compression, DEFAULT_MAX_FRAME_BODY_SIZE, FrameParams, parse_response_body_extensions,
    read_response_frame_with_max_body_size,
};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::{Notify, mpsc, oneshot};

use crate::client::WriteCoalescingDelay;
use crate::errors::{BrokenConnectionError, BrokenConnectionErrorKind, CqlEventHandlingError};

/// The number of stream ids a v4 connection has (0..=32767).
pub(crate) const MAX_STREAMS: usize = 32768;
const WORDS: usize = MAX_STREAMS / 64;
/// After a write, a write buffer larger than this is given back to the allocator.
const MAX_KEPT_WRITE_BUFFER: usize = 1 << 20;
/// The read buffer of the reader task.
const READ_BUFFER_SIZE: usize = 64 * 1024;

/// A response frame as read, before decompression and parsing (done by the task
/// that waits for it, not by the reader).
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) params: FrameParams,
    pub(crate) opcode: ResponseOpcode,
    pub(crate) body: Bytes,
}

type ResponseSender = oneshot::Sender<Result<RawResponse, BrokenConnectionError>>;

/// When orphaned stream ids break the connection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OrphanLimit {
    /// The connection breaks when more than this many ids are orphaned for longer
    /// than `old_age`.
    pub(crate) max_old_orphans: usize,
    /// How long an orphaned id waits for its response before it counts as old.
    pub(crate) old_age: Duration,
}

impl Default for OrphanLimit {
    fn default() -> Self {
        Self {
            max_old_orphans: 1024,
            old_age: Duration::from_secs(1),
        }
    }
}

enum SlotState {
    Free,
    Waiting(ResponseSender),
    Orphaned,
}

struct Slot {
    /// Distinguishes successive uses of the same stream id.
    generation: u64,
    state: SlotState,
}

/// The stream ids of a connection: a bitmap of taken ids (lowest free id first, so
/// the slot vector only grows to the highest concurrency seen) and, per taken id, who
/// waits for its response.
struct StreamTable {
    taken: Box<[u64]>,
    /// Every word before this index is full.
    first_free_word: usize,
    slots: Vec<Slot>,
    in_use: usize,
    next_generation: u64,
    orphans: usize,
    /// Orphaned ids in the order they were orphaned (entries whose id has since been
    /// released are skipped and dropped lazily).
    orphan_queue: VecDeque<(Instant, i16, u64)>,
    closed: bool,
}

impl StreamTable {
    fn new() -> Self {
        Self {
            taken: vec![0u64; WORDS].into_boxed_slice(),
            first_free_word: 0,
            slots: Vec::new(),
            in_use: 0,
            next_generation: 0,
            orphans: 0,
            orphan_queue: VecDeque::new(),
            closed: false,
        }
    }

    /// Takes the lowest free id for `sender`; `None` if all are taken.
    fn allocate(&mut self, sender: ResponseSender) -> Result<(i16, u64), ResponseSender> {
        let Some((word_index, word)) = self
            .taken
            .iter()
            .enumerate()
            .skip(self.first_free_word)
            .find(|(_, w)| **w != u64::MAX)
        else {
            self.first_free_word = WORDS;
            return Err(sender);
        };
        let bit = (!*word).trailing_zeros() as usize;
        let id = word_index * 64 + bit;
        let Ok(stream) = i16::try_from(id) else {
            return Err(sender);
        };
        if let Some(w) = self.taken.get_mut(word_index) {
            *w |= 1u64 << bit;
        }
        self.first_free_word = word_index;
        while self.slots.len() <= id {
            self.slots.push(Slot {
                generation: 0,
                state: SlotState::Free,
            });
        }
        self.next_generation += 1;
        let generation = self.next_generation;
        if let Some(slot) = self.slots.get_mut(id) {
            slot.generation = generation;
            slot.state = SlotState::Waiting(sender);
        }
        self.in_use += 1;
        Ok((stream, generation))
    }

    fn release(&mut self, id: usize) {
        let word_index = id / 64;
        if let Some(w) = self.taken.get_mut(word_index) {
            *w &= !(1u64 << (id % 64));
        }
        if word_index < self.first_free_word {
            self.first_free_word = word_index;
        }
        if let Some(slot) = self.slots.get_mut(id) {
            slot.state = SlotState::Free;
        }
        self.in_use = self.in_use.saturating_sub(1);
    }

    /// What to do with a response that arrived on `stream`.
    fn complete(&mut self, stream: i16) -> Completion {
        let Ok(id) = usize::try_from(stream) else {
            return Completion::Unexpected;
        };
        let Some(slot) = self.slots.get_mut(id) else {
            return Completion::Unexpected;
        };
        match std::mem::replace(&mut slot.state, SlotState::Free) {
            SlotState::Free => Completion::Unexpected,
            SlotState::Waiting(sender) => {
                self.release(id);
                Completion::Deliver(sender)
            }
            SlotState::Orphaned => {
                self.release(id);
                self.orphans = self.orphans.saturating_sub(1);
                Completion::Discard
            }
        }
    }

    /// Marks `stream` orphaned if it still belongs to the request of `generation`
    /// and its response has not arrived. Returns whether it did.
    fn orphan(&mut self, stream: i16, generation: u64) -> bool {
        let Ok(id) = usize::try_from(stream) else {
            return false;
        };
        let Some(slot) = self.slots.get_mut(id) else {
            return false;
        };
        if slot.generation != generation || !matches!(slot.state, SlotState::Waiting(_)) {
            return false;
        }
        slot.state = SlotState::Orphaned;
        self.orphans += 1;
        self.orphan_queue
            .push_back((Instant::now(), stream, generation));
        // Entries of released ids are dropped lazily; keep the queue near the count.
        if self.orphan_queue.len() > 2 * self.orphans + 64 {
            let slots = &self.slots;
            self.orphan_queue
                .retain(|(_, s, g)| is_orphan(slots, *s, *g));
        }
        true
    }

    /// The number of ids orphaned for at least `old_age`.
    fn old_orphans(&mut self, old_age: Duration) -> usize {
        let now = Instant::now();
        let slots = &self.slots;
        while let Some((_, s, g)) = self.orphan_queue.front() {
            if is_orphan(slots, *s, *g) {
                break;
            }
            self.orphan_queue.pop_front();
        }
        self.orphan_queue
            .iter()
            .take_while(|(since, _, _)| now.duration_since(*since) >= old_age)
            .filter(|(_, s, g)| is_orphan(slots, *s, *g))
            .count()
    }
}

fn is_orphan(slots: &[Slot], stream: i16, generation: u64) -> bool {
    usize::try_from(stream)
        .ok()
        .and_then(|id| slots.get(id))
        .is_some_and(|slot| {
            slot.generation == generation && matches!(slot.state, SlotState::Orphaned)
        })
}

enum Completion {
    Deliver(ResponseSender),
    Discard,
    Unexpected,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The state shared by a connection's handle, its requests and its tasks.
pub(crate) struct Router {
    streams: Mutex<StreamTable>,
    write_queue: Mutex<Vec<u8>>,
    writer_wakeup: Notify,
    error: OnceLock<BrokenConnectionError>,
    closed_notify: Notify,
    orphan_notify: Notify,
    orphan_limit: OrphanLimit,
    events: Mutex<Option<mpsc::Sender<EventV2>>>,
    compression: OnceLock<Compression>,
    writes: AtomicU64,
}

/// Why a frame could not be sent.
#[derive(Debug)]
pub(crate) enum SendFrameError {
    /// All stream ids are taken.
    NoStreamId,
    /// The connection is broken.
    Broken(BrokenConnectionError),
}

impl Router {
    pub(crate) fn new(orphan_limit: OrphanLimit) -> Self {
        Self {
            streams: Mutex::new(StreamTable::new()),
            write_queue: Mutex::new(Vec::new()),
            writer_wakeup: Notify::new(),
            error: OnceLock::new(),
            closed_notify: Notify::new(),
            orphan_notify: Notify::new(),
            orphan_limit,
            events: Mutex::new(None),
            compression: OnceLock::new(),
            writes: AtomicU64::new(0),
        }
    }

    /// Sets the compression negotiated by STARTUP (used to read EVENT frames).
    pub(crate) fn set_compression(&self, compression: Compression) {
        let _ = self.compression.set(compression);
    }

    /// Where EVENT frames go from now on.
    pub(crate) fn set_event_sender(&self, sender: mpsc::Sender<EventV2>) {
        *lock(&self.events) = Some(sender);
    }

    /// The error that broke the connection, if it is broken.
    pub(crate) fn broken_error(&self) -> Option<&BrokenConnectionError> {
        self.error.get()
    }

    /// The number of `write` calls the writer made (one per batch of frames).
    #[cfg(test)]
    pub(crate) fn write_count(&self) -> u64 {
        self.writes.load(Ordering::Relaxed)
    }

    /// The number of stream ids taken (waiting or orphaned).
    #[cfg(test)]
    pub(crate) fn streams_in_use(&self) -> usize {
        lock(&self.streams).in_use
    }

    /// The number of orphaned stream ids.
    #[cfg(test)]
    pub(crate) fn orphaned_streams(&self) -> usize {
        lock(&self.streams).orphans
    }

    /// Resolves when the connection breaks, with the reason.
    pub(crate) async fn closed(&self) -> BrokenConnectionError {
        loop {
            let notified = self.closed_notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(e) = self.error.get() {
                return e.clone();
            }
            notified.await;
        }
    }

    /// Breaks the connection: the first reason is kept, every waiting request gets it,
    /// the tasks stop and the event channel closes.
    pub(crate) fn break_connection(&self, error: BrokenConnectionError) {
        let _ = self.error.set(error);
        let Some(error) = self.error.get() else {
            return;
        };
        let waiting: Vec<ResponseSender> = {
            let mut table = lock(&self.streams);
            if table.closed {
                Vec::new()
            } else {
                table.closed = true;
                // Every id is released: no response can arrive any more.
                table.orphans = 0;
                table.in_use = 0;
                table.orphan_queue.clear();
                table
                    .slots
                    .iter_mut()
                    .filter_map(
                        |slot| match std::mem::replace(&mut slot.state, SlotState::Free) {
                            SlotState::Waiting(sender) => Some(sender),
                            _ => None,
                        },
                    )
                    .collect()
            }
        };
        for sender in waiting {
            let _ = sender.send(Err(error.clone()));
        }
        lock(&self.events).take();
        self.closed_notify.notify_waiters();
        self.writer_wakeup.notify_one();
        self.orphan_notify.notify_one();
    }

    /// Sends a frame (whose stream id is set here) and waits for its response.
    ///
    /// If the returned future is dropped before the response arrives, the stream id
    /// stays taken (orphaned) until the response arrives or the connection closes.
    pub(crate) async fn send_frame(
        &self,
        mut frame: Vec<u8>,
    ) -> Result<RawResponse, SendFrameError> {
        self.send_frame_inner(FrameSource::Owned(&mut frame)).await
    }

    /// [`send_frame`](Self::send_frame) for a frame the caller keeps (to send it
    /// again on a retry): the stream id is set in the queued copy.
    pub(crate) async fn send_frame_slice(
        &self,
        frame: &[u8],
    ) -> Result<RawResponse, SendFrameError> {
        self.send_frame_inner(FrameSource::Borrowed(frame)).await
    }

    async fn send_frame_inner(
        &self,
        frame: FrameSource<'_>,
    ) -> Result<RawResponse, SendFrameError> {
        let (sender, receiver) = oneshot::channel();
        let (stream, generation) = {
            let mut table = lock(&self.streams);
            if table.closed {
                drop(table);
                return Err(SendFrameError::Broken(self.current_error()));
            }
            table
                .allocate(sender)
                .map_err(|_| SendFrameError::NoStreamId)?
        };
        let guard = OrphanGuard {
            router: self,
            stream,
            generation,
        };
        match frame {
            FrameSource::Owned(frame) => {
                if let Some(s) = frame.get_mut(2..4) {
                    s.copy_from_slice(&stream.to_be_bytes());
                }
                self.enqueue(frame, None);
            }
            FrameSource::Borrowed(frame) => self.enqueue(frame, Some(stream)),
        }
        let result = receiver.await;
        std::mem::forget(guard);
        match result {
            Ok(Ok(response)) => Ok(response),
            Ok(Err(e)) => Err(SendFrameError::Broken(e)),
            Err(_) => Err(SendFrameError::Broken(self.current_error())),
        }
    }

    fn current_error(&self) -> BrokenConnectionError {
        self.error
            .get()
            .cloned()
            .unwrap_or_else(|| BrokenConnectionErrorKind::ChannelError.into())
    }

    /// Appends `frame` to the write queue, setting its stream id in the queued copy
    /// if `stream` is given.
    fn enqueue(&self, frame: &[u8], stream: Option<i16>) {
        let was_empty = {
            let mut queue = lock(&self.write_queue);
            let was_empty = queue.is_empty();
            let start = queue.len();
            queue.extend_from_slice(frame);
            if let Some(stream) = stream
                && let Some(s) = queue.get_mut(start + 2..start + 4)
            {
                s.copy_from_slice(&stream.to_be_bytes());
            }
            was_empty
        };
        // If the queue was not empty, whoever queued first has woken the writer,
        // which has not yet taken the queue (or it would be empty).
        if was_empty {
            self.writer_wakeup.notify_one();
        }
    }

    fn orphan(&self, stream: i16, generation: u64) {
        let over_limit = {
            let mut table = lock(&self.streams);
            table.orphan(stream, generation) && table.orphans > self.orphan_limit.max_old_orphans
        };
        if over_limit {
            self.orphan_notify.notify_one();
        }
    }

    /// Delivers a response read from the socket; an error breaks the connection.
    fn route_response(&self, response: RawResponse) -> Result<(), BrokenConnectionError> {
        let completion = lock(&self.streams).complete(response.params.stream);
        match completion {
            Completion::Deliver(sender) => {
                // The receiver may be gone only if the request was dropped between the
                // lookup and now; the response is then simply dropped.
                let _ = sender.send(Ok(response));
                Ok(())
            }
            Completion::Discard => Ok(()),
            Completion::Unexpected => {
                Err(BrokenConnectionErrorKind::UnexpectedStreamId(response.params.stream).into())
            }
        }
    }

    async fn handle_event(&self, response: RawResponse) -> Result<(), CqlEventHandlingError> {
        if response.opcode != ResponseOpcode::Event {
            return Err(CqlEventHandlingError::UnexpectedResponse(
                CqlResponseKind::from(response.opcode),
            ));
        }
        let body = parse_response_body_extensions(
            response.params.flags,
            self.compression.get().copied(),
            response.body,
        )?;
        let mut buf: &[u8] = &body.body;
        let event = EventV2::deserialize(&mut buf)?;
        let sender = lock(&self.events).clone();
        match sender {
            Some(sender) => sender
                .send(event)
                .await
                .map_err(|_| CqlEventHandlingError::SendError),
            None => {
                tracing::debug!("dropping an event on a connection nobody listens to: {event:?}");
                Ok(())
            }
        }
    }
}

/// A frame to send: owned (its stream id is set in place) or borrowed.
enum FrameSource<'a> {
    Owned(&'a mut Vec<u8>),
    Borrowed(&'a [u8]),
}

/// Marks the stream orphaned if the request future is dropped before its response.
struct OrphanGuard<'a> {
    router: &'a Router,
    stream: i16,
    generation: u64,
}

impl Drop for OrphanGuard<'_> {
    fn drop(&mut self) {
        self.router.orphan(self.stream, self.generation);
    }
}

/// Starts the reader, writer and orphan watchdog tasks of a connection. They stop when
/// the connection breaks.
pub(crate) fn spawn_tasks<R, W>(
    router: &Arc<Router>,
    reader: R,
    writer: W,
    coalescing: Option<WriteCoalescingDelay>,
) -> [tokio::task::AbortHandle; 3]
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let r = tokio::spawn(reader_task(Arc::clone(router), reader));
    let w = tokio::spawn(writer_task(Arc::clone(router), writer, coalescing));
    let o = tokio::spawn(orphan_watchdog(Arc::clone(router)));
    [r.abort_handle(), w.abort_handle(), o.abort_handle()]
}

async fn reader_task<R: AsyncRead + Unpin>(router: Arc<Router>, reader: R) {
    let mut reader = BufReader::with_capacity(READ_BUFFER_SIZE, reader);
    let read_loop = async {
        loop {
            let (params, opcode, body) = match read_response_frame_with_max_body_size(
                &mut reader,
                DEFAULT_MAX_FRAME_BODY_SIZE,
            )
            .await
            {
                Ok(frame) => frame,
                Err(e) => return BrokenConnectionErrorKind::FrameHeaderParseError(e).into(),
            };
            let response = RawResponse {
                params,
                opcode,
                body,
            };
            let result = if params.stream == -1 {
                router
                    .handle_event(response)
                    .await
                    .map_err(|e| BrokenConnectionErrorKind::CqlEventHandlingError(e).into())
            } else {
                router.route_response(response)
            };
            if let Err(e) = result {
                return e;
            }
        }
    };
    tokio::select! {
        error = read_loop => router.break_connection(error),
        _ = router.closed() => {}
    }
}

async fn writer_task<W: AsyncWrite + Unpin>(
    router: Arc<Router>,
    mut writer: W,
    coalescing: Option<WriteCoalescingDelay>,
) {
    let mut batch: Vec<u8> = Vec::new();
    let write_loop = async {
        loop {
            router.writer_wakeup.notified().await;
            if router.error.get().is_some() {
                return None;
            }
            match coalescing {
                None => {}
                Some(WriteCoalescingDelay::SmallNondeterministic) => tokio::task::yield_now().await,
                Some(WriteCoalescingDelay::Milliseconds(ms)) => {
                    tokio::time::sleep(Duration::from_millis(ms.get())).await
                }
            }
            std::mem::swap(&mut *lock(&router.write_queue), &mut batch);
            if batch.is_empty() {
                continue;
            }
            router.writes.fetch_add(1, Ordering::Relaxed);
            if let Err(e) = writer.write_all(&batch).await {
                return Some(e);
            }
            if let Err(e) = writer.flush().await {
                return Some(e);
            }
            batch.clear();
            if batch.capacity() > MAX_KEPT_WRITE_BUFFER {
                batch = Vec::new();
            }
        }
    };
    tokio::select! {
        error = write_loop => {
            if let Some(e) = error {
                router.break_connection(BrokenConnectionErrorKind::WriteError(e).into());
            }
        }
        _ = router.closed() => {}
    }
    // Best effort: tell the peer we are done (ignored if the socket is gone).
    let _ = tokio::time::timeout(Duration::from_millis(100), writer.shutdown()).await;
}

/// Breaks the connection when more than `max_old_orphans` stream ids have been
/// orphaned for longer than `old_age`. Sleeps until the number of orphans exceeds
/// the limit at all.
async fn orphan_watchdog(router: Arc<Router>) {
    let limit = router.orphan_limit;
    let watch = async {
        loop {
            router.orphan_notify.notified().await;
            loop {
                let (old, total) = {
                    let mut table = lock(&router.streams);
                    (table.old_orphans(limit.old_age), table.orphans)
                };
                if old > limit.max_old_orphans {
                    return old;
                }
                if total <= limit.max_old_orphans || router.error.get().is_some() {
                    break;
                }
                tokio::time::sleep(limit.old_age / 4).await;
            }
        }
    };
    tokio::select! {
        old = watch => {
            let count = u16::try_from(old).unwrap_or(u16::MAX);
            router.break_connection(BrokenConnectionErrorKind::TooManyOrphanedStreamIds(count).into());
        }
        _ = router.closed() => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sender() -> ResponseSender {
        oneshot::channel().0
    }

    #[test]
    fn allocates_lowest_free_id_and_reuses_released_ones() {
        let mut table = StreamTable::new();
        let ids: Vec<i16> = (0..130)
            .map(|_| table.allocate(sender()).unwrap().0)
            .collect();
        assert_eq!(ids, (0..130).collect::<Vec<_>>());
        assert!(matches!(table.complete(65), Completion::Deliver(_)));
        assert!(matches!(table.complete(3), Completion::Deliver(_)));
        assert_eq!(table.allocate(sender()).unwrap().0, 3);
        assert_eq!(table.allocate(sender()).unwrap().0, 65);
        assert_eq!(table.allocate(sender()).unwrap().0, 130);
        assert_eq!(table.in_use, 131);
    }

    #[test]
    fn all_32768_ids_then_exhaustion() {
        let mut table = StreamTable::new();
        for expected in 0..MAX_STREAMS {
            let (id, _) = table.allocate(sender()).unwrap();
            assert_eq!(id as usize, expected);
        }
        assert!(table.allocate(sender()).is_err());
        assert!(matches!(table.complete(32767), Completion::Deliver(_)));
        assert_eq!(table.allocate(sender()).unwrap().0, 32767);
        assert!(table.allocate(sender()).is_err());
        assert!(matches!(table.complete(0), Completion::Deliver(_)));
        assert_eq!(table.allocate(sender()).unwrap().0, 0);
    }

    #[test]
    fn unknown_and_negative_streams_are_unexpected() {
        let mut table = StreamTable::new();
        assert!(matches!(table.complete(0), Completion::Unexpected));
        assert!(matches!(table.complete(-5), Completion::Unexpected));
        let (id, _) = table.allocate(sender()).unwrap();
        assert!(matches!(table.complete(id), Completion::Deliver(_)));
        assert!(matches!(table.complete(id), Completion::Unexpected));
    }

    #[test]
    fn orphan_is_released_only_by_its_late_response() {
        let mut table = StreamTable::new();
        let (id, generation) = table.allocate(sender()).unwrap();
        assert!(table.orphan(id, generation));
        assert_eq!(table.orphans, 1);
        // The id stays taken while orphaned.
        assert_eq!(table.allocate(sender()).unwrap().0, id + 1);
        assert!(matches!(table.complete(id), Completion::Discard));
        assert_eq!(table.orphans, 0);
        assert_eq!(table.allocate(sender()).unwrap().0, id);
    }

    #[test]
    fn a_stale_guard_does_not_orphan_a_reused_id() {
        let mut table = StreamTable::new();
        let (id, old_generation) = table.allocate(sender()).unwrap();
        assert!(matches!(table.complete(id), Completion::Deliver(_)));
        let (reused, _) = table.allocate(sender()).unwrap();
        assert_eq!(reused, id);
        assert!(!table.orphan(id, old_generation));
        assert!(matches!(table.complete(id), Completion::Deliver(_)));
    }

    #[test]
    fn old_orphans_are_counted_by_age() {
        let mut table = StreamTable::new();
        for _ in 0..10 {
            let (id, generation) = table.allocate(sender()).unwrap();
            assert!(table.orphan(id, generation));
        }
        assert_eq!(table.old_orphans(Duration::ZERO), 10);
        assert_eq!(table.old_orphans(Duration::from_secs(3600)), 0);
        assert!(matches!(table.complete(0), Completion::Discard));
        assert!(matches!(table.complete(5), Completion::Discard));
        assert_eq!(table.old_orphans(Duration::ZERO), 8);
        assert_eq!(table.orphans, 8);
    }
}
