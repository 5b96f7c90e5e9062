//! [`CachingSession`]: a session that prepares each statement text once.
//!
//! Statements are given as text (or [`Statement`]s); the first use prepares the
//! text and caches the prepared statement, later uses execute it directly. The cache
//! keeps at most a given number of statements, forgetting the least recently used.
//!
//! ```no_run
//! # async fn example(session: scylla::client::session::Session) -> Result<(), Box<dyn std::error::Error>> {
//! use scylla::client::caching_session::CachingSession;
//!
//! let caching: CachingSession = CachingSession::from(session, 100);
//! caching
//!     .execute_unpaged("INSERT INTO ks.t (a, b) VALUES (?, ?)", (1, "one"))
//!     .await?;
//! # Ok(())
//! # }
//! ```

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, PoisonError};

use scylla_cql::frame::request::query::{PagingState, PagingStateResponse};
use scylla_cql::serialize::batch::BatchValues;
use scylla_cql::serialize::row::SerializeRow;

use super::pager::QueryPager;
use super::session::Session;
use crate::errors::{ExecutionError, PagerExecutionError, PrepareError};
use crate::response::query_result::QueryResult;
use crate::statement::batch::{Batch, BatchStatement};
use crate::statement::prepared::PreparedStatement;
use crate::statement::unprepared::Statement;

/// The default capacity of the cache.
pub const DEFAULT_MAX_CAPACITY: usize = 128;

/// The cached statements, with the time of their last use.
struct Lru<S> {
    entries: HashMap<String, (PreparedStatement, u64), S>,
    clock: u64,
}

impl<S: BuildHasher> Lru<S> {
    fn get(&mut self, text: &str) -> Option<PreparedStatement> {
        self.clock += 1;
        let now = self.clock;
        self.entries.get_mut(text).map(|(p, used)| {
            *used = now;
            p.clone()
        })
    }

    fn insert(&mut self, text: String, prepared: PreparedStatement, capacity: usize) {
        self.clock += 1;
        if !self.entries.contains_key(&text) && self.entries.len() >= capacity {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                self.entries.remove(&k);
            }
        }
        if capacity > 0 {
            self.entries.insert(text, (prepared, self.clock));
        }
    }
}

/// A session with a cache of prepared statements; see the
/// [module documentation](self).
pub struct CachingSession<S = RandomState>
where
    S: Clone + BuildHasher,
{
    session: Arc<Session>,
    max_capacity: usize,
    cache: Mutex<Lru<S>>,
    use_cached_metadata: bool,
}

impl<S: Clone + BuildHasher> std::fmt::Debug for CachingSession<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cached = self
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entries
            .len();
        f.debug_struct("CachingSession")
            .field("session", &self.session)
            .field("max_capacity", &self.max_capacity)
            .field("cached", &cached)
            .field("use_cached_metadata", &self.use_cached_metadata)
            .finish()
    }
}

impl<S> CachingSession<S>
where
    S: Default + BuildHasher + Clone,
{
    /// A caching session keeping at most `cache_size` statements.
    pub fn from(session: Session, cache_size: usize) -> Self {
        Self::with_hasher(session, cache_size, S::default())
    }
}

impl<S> CachingSession<S>
where
    S: BuildHasher + Clone,
{
    /// A caching session whose cache uses `hasher`.
    pub fn with_hasher(session: Session, cache_size: usize, hasher: S) -> Self {
        Self::new_inner(Arc::new(session), cache_size, hasher, false)
    }

    fn new_inner(
        session: Arc<Session>,
        max_capacity: usize,
        hasher: S,
        use_cached_metadata: bool,
    ) -> Self {
        Self {
            session,
            max_capacity,
            cache: Mutex::new(Lru {
                entries: HashMap::with_hasher(hasher),
                clock: 0,
            }),
            use_cached_metadata,
        }
    }

    /// Executes `query` (prepared once, then from the cache) and returns all rows.
    pub async fn execute_unpaged(
        &self,
        query: impl Into<Statement>,
        values: impl SerializeRow,
    ) -> Result<QueryResult, ExecutionError> {
        let query: Statement = query.into();
        let prepared = self.add_prepared_statement_owned(query).await?;
        self.session.execute_unpaged(&prepared, values).await
    }

    /// Executes `query` and returns a pager over its rows.
    pub async fn execute_iter(
        &self,
        query: impl Into<Statement>,
        values: impl SerializeRow,
    ) -> Result<QueryPager, PagerExecutionError> {
        let query: Statement = query.into();
        let prepared = self.add_prepared_statement_owned(query).await?;
        self.session.execute_iter(prepared, values).await
    }

    /// Executes `query` and returns one page of rows.
    pub async fn execute_single_page(
        &self,
        query: impl Into<Statement>,
        values: impl SerializeRow,
        paging_state: PagingState,
    ) -> Result<(QueryResult, PagingStateResponse), ExecutionError> {
        let query: Statement = query.into();
        let prepared = self.add_prepared_statement_owned(query).await?;
        self.session
            .execute_single_page(&prepared, values, paging_state)
            .await
    }

    /// Executes a batch, preparing its unprepared statements through the cache.
    pub async fn batch(
        &self,
        batch: &Batch,
        values: impl BatchValues,
    ) -> Result<QueryResult, ExecutionError> {
        let all_prepared = batch
            .statements
            .iter()
            .all(|s| matches!(s, BatchStatement::PreparedStatement(_)));
        if all_prepared {
            self.session.batch(batch, values).await
        } else {
            let prepared = self.prepare_batch(batch).await?;
            self.session.batch(&prepared, values).await
        }
    }

    /// A copy of `batch` with every statement prepared (through the cache).
    pub async fn prepare_batch(&self, batch: &Batch) -> Result<Batch, ExecutionError> {
        let mut statements = Vec::with_capacity(batch.statements.len());
        for s in &batch.statements {
            statements.push(match s {
                BatchStatement::Query(q) => {
                    BatchStatement::PreparedStatement(self.add_prepared_statement(q).await?)
                }
                other => other.clone(),
            });
        }
        Ok(batch.with_statements_like(statements))
    }

    /// The prepared statement of `query`: from the cache, or prepared and cached.
    /// The result carries `query`'s settings (consistency, page size, ...).
    pub async fn add_prepared_statement(
        &self,
        query: impl Into<&Statement>,
    ) -> Result<PreparedStatement, PrepareError> {
        let query: &Statement = query.into();
        self.add_prepared_statement_owned(query.clone()).await
    }

    async fn add_prepared_statement_owned(
        &self,
        query: Statement,
    ) -> Result<PreparedStatement, PrepareError> {
        let cached = self
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&query.contents);
        let mut prepared = match cached {
            Some(p) => p,
            None => {
                let p = self.session.prepare(query.clone()).await?;
                self.cache
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(query.contents.clone(), p.clone(), self.max_capacity);
                p
            }
        };
        prepared.config = query.config.clone();
        prepared.set_page_size(query.get_page_size());
        if self.use_cached_metadata {
            prepared.set_use_cached_result_metadata(true);
        }
        Ok(prepared)
    }

    /// The capacity of the cache.
    pub fn get_max_capacity(&self) -> usize {
        self.max_capacity
    }

    /// The underlying session.
    pub fn get_session(&self) -> &Session {
        &self.session
    }
}

/// Builds a [`CachingSession`].
pub struct CachingSessionBuilder<S = RandomState>
where
    S: Clone + BuildHasher,
{
    session: Arc<Session>,
    max_capacity: usize,
    hasher: S,
    use_cached_metadata: bool,
}

impl CachingSessionBuilder<RandomState> {
    /// A builder for a caching session over `session`.
    pub fn new(session: Session) -> Self {
        Self::new_shared(Arc::new(session))
    }

    /// A builder for a caching session over a shared session.
    pub fn new_shared(session: Arc<Session>) -> Self {
        Self {
            session,
            max_capacity: DEFAULT_MAX_CAPACITY,
            hasher: RandomState::default(),
            use_cached_metadata: false,
        }
    }
}

impl<S> CachingSessionBuilder<S>
where
    S: Clone + BuildHasher,
{
    /// The capacity of the cache (default [`DEFAULT_MAX_CAPACITY`]).
    pub fn max_capacity(mut self, max_capacity: usize) -> Self {
        self.max_capacity = max_capacity;
        self
    }

    /// The hasher of the cache.
    pub fn hasher<S2: Clone + BuildHasher>(self, hasher: S2) -> CachingSessionBuilder<S2> {
        CachingSessionBuilder {
            session: self.session,
            max_capacity: self.max_capacity,
            hasher,
            use_cached_metadata: self.use_cached_metadata,
        }
    }

    /// Whether the cached statements use cached result metadata.
    pub fn use_cached_result_metadata(mut self, use_cached_metadata: bool) -> Self {
        self.use_cached_metadata = use_cached_metadata;
        self
    }

    /// The caching session.
    pub fn build(self) -> CachingSession<S> {
        CachingSession::new_inner(
            self.session,
            self.max_capacity,
            self.hasher,
            self.use_cached_metadata,
        )
    }
}
