//! What every handler can reach: settings, the clock, the store.

use std::sync::{Arc, OnceLock};

use vschool_domain::{Clock, SystemClock};
use vschool_mail::{Mailer, SmtpMailer};
use vschool_store::{Store, StoreError};

use crate::config::Config;
use crate::keys::{KeyError, SecretKey};

/// Why the state could not be made.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// Shared by every request; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    clock: Arc<dyn Clock>,
    /// Real time, for security: session expiry, link expiry, audit timestamps. Separate
    /// from `clock`, whose "today" a demo or a test pins to a date.
    wall: Arc<dyn Clock>,
    store: Store,
    la_name: String,
    /// Key for the opaque ids of child pages (see `crate::ids`); kept in the database so
    /// links stay valid across restarts and across instances.
    id_key: Vec<u8>,
    /// The children index, rebuilt when the data changes (see `crate::index`).
    index: tokio::sync::Mutex<Option<Arc<crate::index::Index>>>,
    /// The whole-LA snapshot the tracker is computed from, with the data version it was
    /// built at (see `snapshot`).
    snapshot: tokio::sync::Mutex<Option<(i64, Arc<vschool_analytics::snapshot::LaSnapshot>)>>,
    /// Figures computed from the snapshot (the LA overview, statistics), kept until the
    /// snapshot changes (see `crate::analysis`).
    analysis: crate::analysis::Cache,
    /// Imports running in the background for the upload pages (see `crate::jobs`).
    jobs: crate::jobs::Jobs,
    /// The service's secret key (see `crate::keys`).
    key: SecretKey,
    /// The SMTP mailer of `config.smtp`, made on first use.
    mailer: Arc<OnceLock<Option<Arc<dyn Mailer>>>>,
    /// The identity provider's discovery document and keys (see `crate::auth::oidc`).
    oidc: crate::auth::oidc::Cache,
    /// Emails sent after their page was answered (see [`AppState::spawn`]).
    background: crate::util::Background,
}

/// The `meta` key of the opaque-id key.
const ID_KEY: &str = "web_id_key";

impl AppState {
    /// The state for a store: reads the LA's name and the opaque-id key from the database
    /// (creating the key on first use).
    pub async fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        config: Config,
    ) -> Result<AppState, StateError> {
        let la_name = store
            .meta_get(vschool_store::meta::LA_NAME)
            .await?
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "Local authority".to_owned());
        let id_key = match store.meta_get(ID_KEY).await? {
            Some(k) if k.len() == 64 => k,
            _ => {
                let k = crate::util::random_token();
                store.meta_set(ID_KEY, &k).await?;
                k
            }
        };
        // Not kept in the database: see `crate::keys`.
        let key = match &config.secret_key {
            Some(k) => k.clone(),
            None => SecretKey::for_store(&store)?,
        };
        crate::keys::seal_stored_totp_secrets(&store, &key).await?;
        Ok(AppState {
            inner: Arc::new(Inner {
                config,
                clock,
                wall: Arc::new(SystemClock),
                store,
                la_name,
                id_key: id_key.into_bytes(),
                index: tokio::sync::Mutex::new(None),
                snapshot: tokio::sync::Mutex::new(None),
                analysis: crate::analysis::Cache::default(),
                jobs: crate::jobs::Jobs::default(),
                key,
                mailer: Arc::new(OnceLock::new()),
                oidc: crate::auth::oidc::Cache::default(),
                background: crate::util::Background::default(),
            }),
        })
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn clock(&self) -> &dyn Clock {
        self.inner.clock.as_ref()
    }

    /// Replaces the wall clock (tests that let sessions or links expire).
    pub fn with_wall_clock(self, wall: Arc<dyn Clock>) -> AppState {
        let i = &self.inner;
        AppState {
            inner: Arc::new(Inner {
                config: i.config.clone(),
                clock: i.clock.clone(),
                wall,
                store: i.store.clone(),
                la_name: i.la_name.clone(),
                id_key: i.id_key.clone(),
                index: tokio::sync::Mutex::new(None),
                snapshot: tokio::sync::Mutex::new(None),
                analysis: crate::analysis::Cache::default(),
                jobs: crate::jobs::Jobs::default(),
                key: i.key.clone(),
                mailer: i.mailer.clone(),
                oidc: crate::auth::oidc::Cache::default(),
                background: crate::util::Background::default(),
            }),
        }
    }

    /// The service's secret key (TOTP secrets at rest, the single sign-on cookie).
    pub fn key(&self) -> &SecretKey {
        &self.inner.key
    }

    /// The mailer of `VSCHOOL_SMTP_URL`, or `None` when email is not set up (or the
    /// settings cannot make one, which is logged once).
    pub fn mailer(&self) -> Option<Arc<dyn Mailer>> {
        self.inner
            .mailer
            .get_or_init(|| {
                let smtp = self.inner.config.smtp.clone()?;
                match SmtpMailer::new(smtp) {
                    Ok(m) => Some(Arc::new(m) as Arc<dyn Mailer>),
                    Err(e) => {
                        tracing::error!(error = %e, "cannot set up email");
                        None
                    }
                }
            })
            .clone()
    }

    pub(crate) fn oidc_cache(&self) -> &crate::auth::oidc::Cache {
        &self.inner.oidc
    }

    /// Runs `work` after the response: an email whose sending time must not show on the
    /// page (a password reset must take as long for an unknown address as for a known one).
    pub fn spawn(&self, work: impl std::future::Future<Output = ()> + Send + 'static) {
        self.inner.background.spawn(work);
    }

    /// Waits until all work given to [`AppState::spawn`] so far has finished (tests).
    pub async fn background_done(&self) {
        self.inner.background.wait().await;
    }

    /// The current instant, from the wall clock.
    pub fn now(&self) -> time::OffsetDateTime {
        self.inner.wall.now()
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The local authority's name, e.g. "Northshire Council".
    pub fn la_name(&self) -> &str {
        &self.inner.la_name
    }

    pub(crate) fn id_key(&self) -> &[u8] {
        &self.inner.id_key
    }

    pub(crate) fn analysis(&self) -> &crate::analysis::Cache {
        &self.inner.analysis
    }

    pub(crate) fn jobs(&self) -> &crate::jobs::Jobs {
        &self.inner.jobs
    }

    pub(crate) fn index_slot(&self) -> &tokio::sync::Mutex<Option<Arc<crate::index::Index>>> {
        &self.inner.index
    }

    /// The LA snapshot for the data as it is now (rebuilt when the data version changes).
    pub async fn snapshot(
        &self,
    ) -> Result<Arc<vschool_analytics::snapshot::LaSnapshot>, crate::error::AppError> {
        let version = self.store().data_version().await?;
        let mut slot = self.inner.snapshot.lock().await;
        if let Some((v, snap)) = slot.as_ref() {
            if *v == version {
                return Ok(snap.clone());
            }
        }
        let data = self.store().load_dataset().await?;
        let snap = Arc::new(vschool_analytics::snapshot::LaSnapshot::new(data));
        *slot = Some((version, snap.clone()));
        Ok(snap)
    }
}
