//! `vschool notify packs --half-term 2024/25-3 [--dry-run] [--school URN] [--resend]`: builds
//! every subscribed school's pack for the half term (as at its last day) and emails its
//! subscribers that it is ready, then exits once each email has been delivered or has failed
//! (exit status 1 if any failed). Emails that failed for a reason that may pass are retried
//! with backoff by the running server (`vschool serve`) and by the next run; running again
//! sends only to recipients without a successful delivery, unless `--resend`.

use std::process::ExitCode;

use anyhow::Context;
use time::OffsetDateTime;

use vschool_domain::Urn;
use vschool_mail::SmtpConfig;
use vschool_web::accounts::Actor;
use vschool_web::packs::run::{self, Notifier, RunPlan};
use vschool_web::packs::{calendar, subscribers, PackError};
use vschool_web::Config;

use crate::context::{load_snapshot, open_store, print_out, runtime};
use crate::Cli;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Build and send the half-termly school packs.
    Packs(PacksArgs),
}

#[derive(Debug, clap::Args)]
pub struct PacksArgs {
    /// The half term, e.g. 2024/25-3 (the academic year and 1 to 6).
    #[arg(long)]
    pub half_term: String,
    /// Show what would be sent to whom, without building, storing or sending anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Only this school (URN).
    #[arg(long)]
    pub school: Option<String>,
    /// Email everyone again, including those who already had the pack.
    #[arg(long)]
    pub resend: bool,
    /// The address people reach the service at; the emailed links start with it.
    #[arg(long, env = "VSCHOOL_PUBLIC_URL")]
    pub public_url: Option<String>,
}

fn print_plan(plan: &RunPlan, resend: bool) -> anyhow::Result<()> {
    let mut out = format!(
        "Packs for half term {} ({}, {})\n\n",
        plan.half.name(),
        plan.half.describe(),
        plan.half.source_label()
    );
    for s in &plan.schools {
        let c = s.changes;
        let changed = match &s.compared_with {
            None => "first pack".to_owned(),
            Some(h) => format!(
                "since {h}: {} new, {} no longer listed, {} status changed, {} worker changed",
                c.new, c.left, c.status_changed, c.worker_changed
            ),
        };
        out.push_str(&format!(
            "{} ({}): {} {}; {changed}\n",
            s.name,
            s.urn,
            s.pupils,
            if s.pupils == 1 { "pupil" } else { "pupils" }
        ));
        for r in &s.recipients {
            let note = if r.already_sent && !resend {
                " (already sent: skipped)"
            } else {
                ""
            };
            out.push_str(&format!("  to {} <{}>{note}\n", r.name, r.email));
        }
    }
    if !plan.to_chase.is_empty() {
        out.push_str("\nNot delivered, nobody subscribed (chase these schools):\n");
        for (urn, name, pupils) in &plan.to_chase {
            let noun = if *pupils == 1 { "pupil" } else { "pupils" };
            out.push_str(&format!("  {name} ({urn}): {pupils} {noun}\n"));
        }
    }
    for urn in &plan.unknown_schools {
        out.push_str(&format!(
            "\nSubscribers of URN {urn} get nothing: no such school in the settings register (check the contacts' URN)\n"
        ));
    }
    let (emails, schools) = (plan.emails(resend), plan.schools.len());
    out.push_str(&format!(
        "\n{emails} {} to {schools} {}.\n",
        if emails == 1 { "email" } else { "emails" },
        if schools == 1 { "school" } else { "schools" }
    ));
    print_out(&out)
}

pub fn run(cli: &Cli, command: &Command) -> anyhow::Result<ExitCode> {
    let Command::Packs(args) = command;
    runtime()?.block_on(async {
        let store = open_store(cli).await?;
        let only = args
            .school
            .as_deref()
            .map(|s| Urn::parse(s).with_context(|| format!("--school {s:?} is not a URN (six digits)")))
            .transpose()?;
        let half = calendar::resolve(&store, &args.half_term).await?;
        let snapshot = load_snapshot(&store).await?;
        if args.dry_run {
            let plan = run::plan(&store, &snapshot, &half, only).await?;
            print_plan(&plan, args.resend)?;
            return Ok(ExitCode::SUCCESS);
        }
        let mut config = args.public_url.as_deref().map(Config::for_public_url).unwrap_or_default();
        config.smtp = SmtpConfig::from_env()?;
        if config.smtp.is_none() {
            return Err(PackError::NoMailer.into());
        }
        let la_name = store.meta_get("la_name").await?.unwrap_or_else(|| "Local authority".into());
        let n = Notifier::new(store.clone(), config, la_name, Actor::at_terminal())?;
        let now = OffsetDateTime::now_utc;
        // Earlier failures now due (of any run, set-password emails too) go first.
        let earlier = run::process_due(&n, now(), 10_000).await?;
        let accounts = subscribers::ensure_accounts(&store, &n.config, &n.actor, only, now()).await?;
        let queued = run::queue(&n, &snapshot, &half, only, args.resend, now()).await?;
        let mut ids = accounts.emails.clone();
        ids.extend(&queued.ids);
        eprintln!(
            "Half term {} ({}): packs for {} schools, {} emails to send, {} already sent{}.",
            half.name(),
            half.source_label(),
            queued.packs,
            ids.len(),
            queued.already_sent,
            if accounts.emails.is_empty() {
                String::new()
            } else {
                format!(", {} of them set-password links for new accounts", accounts.emails.len())
            }
        );
        let progress = |done: usize, total: usize| eprint!("\rSending {done} of {total}…");
        let mut d = run::deliver(&n, &ids, now, &progress).await?;
        d.add(earlier);
        if !ids.is_empty() {
            eprintln!();
        }
        print_out(&format!(
            "{} sent, {} to retry, {} failed.\n",
            d.sent, d.retrying, d.failed
        ))?;
        if d.all_sent() {
            Ok(ExitCode::SUCCESS)
        } else {
            eprintln!(
                "Some emails were not delivered. Those to retry are tried again with backoff by the \
                 running server (vschool serve) and by the next run; see the send log at \
                 /packs/{}/log. Failed ones need their address checked, then \"Resend\".",
                half.name()
            );
            Ok(ExitCode::FAILURE)
        }
    })
}
