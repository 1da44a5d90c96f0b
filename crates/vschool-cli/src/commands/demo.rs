//! `vschool demo [--size small|large] [--seed N] [--today DATE] [--write-files DIR]
//! [--no-serve]`: builds a realistic fictional local authority into the configured database
//! and serves it — the first thing a newcomer runs.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::ValueEnum;

use vschool_analytics::tracker;
use vschool_domain::calendar::iso;
use vschool_domain::FixedClock;
use vschool_store::meta;
use vschool_synth::Size;
use vschool_web::accounts::{ready_account, Actor, NewUser, ReadyAccount};
use vschool_web::auth::Role;
use vschool_web::Config;

use crate::context::{date_or_today, open_store, runtime};
use crate::Cli;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How big an LA: small (60 settings, ~1,500 children on a plan now, ~1.5 M marks a year)
    /// or large (600 settings, ~15,000, ~15 M); tiny is a tenth of small, for quick tries.
    #[arg(long, value_enum, default_value_t = SizeArg::Small)]
    pub size: SizeArg,
    /// The random seed: the same seed, size and date always build the same LA.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The date the demo treats as today (YYYY-MM-DD); defaults to today.
    #[arg(long)]
    pub today: Option<String>,
    /// Also write the LA's data in every input format into DIR (GIAS, CIN census XML, SSDA903,
    /// allocations, roll, attendance, exclusions, attainment, contacts).
    #[arg(long, value_name = "DIR")]
    pub write_files: Option<PathBuf>,
    /// Build (and write) only; do not start the web service.
    #[arg(long)]
    pub no_serve: bool,
    /// Address and port to serve on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SizeArg {
    Tiny,
    Small,
    Large,
}

impl SizeArg {
    fn size(self) -> Size {
        match self {
            SizeArg::Tiny => Size::Tiny,
            SizeArg::Small => Size::Small,
            SizeArg::Large => Size::Large,
        }
    }
}

/// What the demo records in `meta` so a restart with the same flags reuses the database.
const DEMO_PARAMS: &str = "demo_params";

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<ExitCode> {
    let today = date_or_today("--today", args.today.as_deref())?;
    let size = args.size.size();
    let params = format!(
        "size={} seed={} today={}",
        size.name(),
        args.seed,
        iso(today)
    );
    runtime()?.block_on(async {
        let store = open_store(cli).await?;
        let built_by = store.meta_get(meta::BUILT_BY).await?;
        if !store.is_empty().await? && built_by.as_deref() != Some("demo") {
            bail!(
                "the database {} holds data that the demo did not build, so the demo will not \
                 replace it. Choose another database, e.g. `vschool --db sqlite://demo.db demo`",
                vschool_store::redact_url(&cli.db)
            );
        }
        let reuse = built_by.as_deref() == Some("demo")
            && store.meta_get(DEMO_PARAMS).await?.as_deref() == Some(params.as_str())
            && args.write_files.is_none();
        if reuse {
            eprintln!(
                "Using the demo LA already in {} ({params})",
                vschool_store::redact_url(&cli.db)
            );
        } else {
            let started = Instant::now();
            eprintln!(
                "Building the {} demo LA (seed {}, today {})…",
                size.name(),
                args.seed,
                iso(today)
            );
            let dataset = vschool_synth::generate(size, args.seed, today);
            eprintln!(
                "  generated {} settings, {} children, {} pupils, {} marks in {:.1} s",
                dataset.settings.len(),
                dataset.children.len(),
                dataset.pupils.len(),
                dataset.mark_count(),
                started.elapsed().as_secs_f64()
            );
            if let Some(dir) = &args.write_files {
                let t = Instant::now();
                let summary =
                    vschool_synth::write_files(&dataset, dir, today).with_context(|| {
                        format!("cannot write the demo files into {}", dir.display())
                    })?;
                eprintln!(
                    "  wrote {} files into {} in {:.1} s",
                    summary.files.len(),
                    dir.display(),
                    t.elapsed().as_secs_f64()
                );
            }
            let t = Instant::now();
            store.replace_with_dataset(&dataset).await?;
            store.meta_set(meta::BUILT_BY, "demo").await?;
            store.meta_set(DEMO_PARAMS, &params).await?;
            eprintln!(
                "  loaded into {} in {:.1} s",
                vschool_store::redact_url(&cli.db),
                t.elapsed().as_secs_f64()
            );
        }
        let counts = store.cohort_counts(today).await?;
        eprintln!(
            "On {}: {} looked after, {} on a CP plan, {} on a CIN plan, {} Ever6.",
            iso(today),
            counts.cla,
            counts.cp,
            counts.cin,
            counts.ever6
        );
        if args.no_serve {
            store.close().await;
            return Ok(ExitCode::SUCCESS);
        }
        let public_url = format!("http://{}", args.bind);
        let accounts = demo_accounts(&store, &public_url, today).await?;
        print_accounts(&public_url, &accounts);
        super::serve::serve(
            store,
            Arc::new(FixedClock(today)),
            args.bind,
            Some(&public_url),
        )
        .await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// The demo accounts' password (printed; the demo holds only fictional children).
const DEMO_PASSWORD: &str = "demo-northshire-2025";

/// One ready account per role: the DSL at the school with the most tracker pupils, the
/// social worker with the largest caseload.
async fn demo_accounts(
    store: &vschool_store::Store,
    public_url: &str,
    today: time::Date,
) -> anyhow::Result<Vec<ReadyAccount>> {
    let snapshot = vschool_analytics::LaSnapshot::new(store.load_dataset().await?);
    let busiest_school = tracker::build_all(&snapshot, today, &tracker::NoTargets)
        .into_iter()
        .max_by_key(|t| (t.rows.len(), std::cmp::Reverse(t.urn)))
        .map(|t| t.urn);
    let mut caseloads: std::collections::BTreeMap<String, usize> = Default::default();
    for child in &snapshot.data.children {
        if child.history.status_on(today).is_some() {
            if let Some(a) = snapshot.worker_on(child, today) {
                *caseloads.entry(a.worker_email.to_lowercase()).or_default() += 1;
            }
        }
    }
    let biggest_caseload = caseloads
        .into_iter()
        .max_by_key(|(email, n)| (*n, std::cmp::Reverse(email.clone())));
    let config = Config::for_public_url(public_url);
    let actor = Actor::at_terminal();
    let people = [
        (Role::Vsh, "vsh", "Vivienne Shaw"),
        (Role::AdvisoryTeacher, "advisory.teacher", "Amrit Takhar"),
        (Role::DataOfficer, "data.officer", "Dana Okafor"),
        (Role::Dsl, "dsl", "Sam Leigh"),
        (Role::SocialWorker, "social.worker", "Sol Whitfield"),
        (Role::Trainer, "trainer", "Tess Rowe"),
    ];
    let mut out = Vec::new();
    for (role, local, name) in people {
        let schools = match (role, busiest_school) {
            (Role::Dsl, Some(urn)) => vec![urn],
            (Role::Dsl, None) => continue,
            _ => vec![],
        };
        let worker_email = match (role, &biggest_caseload) {
            (Role::SocialWorker, Some((email, _))) => Some(email.clone()),
            (Role::SocialWorker, None) => continue,
            _ => None,
        };
        let new = NewUser {
            email: format!("{local}@northshire.example"),
            name: name.to_owned(),
            role,
            schools,
            worker_email,
        };
        out.push(ready_account(store, &config, &actor, new, DEMO_PASSWORD).await?);
    }
    Ok(out)
}

fn print_accounts(public_url: &str, accounts: &[ReadyAccount]) {
    eprintln!();
    eprintln!(
        "Sign in at {public_url}/ with one of these demo accounts (password {DEMO_PASSWORD:?})."
    );
    eprintln!("The second factor is a time-based code: add the secret to any authenticator app");
    eprintln!("(or run `oathtool --totp -b SECRET`).");
    eprintln!();
    eprintln!("  {:<18} {:<36} TOTP secret", "role", "email");
    for a in accounts {
        eprintln!("  {:<18} {:<36} {}", a.role.code(), a.email, a.totp_secret);
    }
    eprintln!();
}
