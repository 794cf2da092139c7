//! The command line (SPEC §9). Parsing with clap; each command calls the library and maps the
//! outcome to an exit code: 0 clean, 1 findings (errors, or warnings with `--deny warnings`),
//! 2 the run itself failed.

use crate::diag::{self, Format, RenderOptions, Sources};
use crate::pipeline::{self, Fatal, Options, Profile};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "waymark",
    version,
    about = "Build checked, cross-linked, searchable police guidance sites from Markdown"
)]
pub struct Cli {
    /// The site's folder (holding site.yaml and content/).
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,
    /// Print only findings and errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a new site in DIR.
    Init { dir: PathBuf },
    /// Create a page of KIND at PATH (under content/), e.g. `waymark new legal legislation/pha-1997/s8`.
    New { kind: NewKind, path: String },
    /// Check and build the site into the output folder.
    Build(BuildArgs),
    /// Run every check and report findings.
    Check(CheckArgs),
    /// Search the built site's index.
    Search(SearchArgs),
    /// Serve the site: a live preview for editors, or a built folder with --mirror.
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
    /// Recompute a built folder's manifest.json and report any file missing, changed or added.
    Verify { dir: PathBuf },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum NewKind {
    Guidance,
    Legal,
    Practice,
    Recommendation,
    Term,
    Section,
}

#[derive(Args, Debug, Clone, Default)]
pub struct SiteArgs {
    /// A force's local content tree to merge (repeatable).
    #[arg(long = "overlay", value_name = "DIR")]
    pub overlays: Vec<PathBuf>,
    /// Include pages with `status: draft`.
    #[arg(long)]
    pub drafts: bool,
    /// The date checks treat as today (YYYY-MM-DD); defaults to the clock.
    #[arg(long, value_parser = parse_today)]
    pub today: Option<jiff::civil::Date>,
    /// `public` leaves restricted content out of every output; `internal` includes it.
    #[arg(long, value_enum, default_value = "public")]
    pub profile: Profile,
}

fn parse_today(s: &str) -> Result<jiff::civil::Date, String> {
    crate::parse::front_matter::parse_date(s)
        .ok_or_else(|| format!("`{s}` is not a date (YYYY-MM-DD)"))
}

#[derive(Args, Debug, Clone)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Output folder (default: site.yaml `output_dir`, else `public`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write links ending in index.html, so the folder works opened from disk.
    #[arg(long)]
    pub portable: bool,
    /// Skip the static (Pagefind) search index.
    #[arg(long)]
    pub no_static_search: bool,
    /// How to print findings.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

#[derive(Args, Debug, Clone)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Treat warnings as errors for the exit code.
    #[arg(long, value_enum)]
    pub deny: Option<Deny>,
    /// Include suppressed findings, with their reasons.
    #[arg(long)]
    pub show_suppressed: bool,
    /// Findings recorded in this baseline file do not count.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings as the baseline.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Explain a check, with an example, and exit.
    #[arg(long, value_name = "CHECK")]
    pub explain: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct SearchArgs {
    pub query: String,
    /// Only results of this kind (guidance, legal, practice, recommendation, term, section).
    #[arg(long)]
    pub kind: Option<String>,
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Print JSON: {"total", "hits": [{"id", "url", "title", "kind", "score", "snippet"}]}.
    #[arg(long)]
    pub json: bool,
    /// The built folder to search (default: the site's output folder).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

#[cfg(feature = "serve")]
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Serve this built folder read-only (production mirror) instead of a live preview.
    #[arg(long, value_name = "DIR")]
    pub mirror: Option<PathBuf>,
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Open the site in a browser.
    #[arg(long)]
    pub open: bool,
}

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn progress(quiet: bool) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = indicatif::ProgressBar::new(0);
    pb.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} {pos}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(pb)
}

fn fatal(e: Fatal) -> ExitCode {
    match e {
        Fatal::Message(m) => eprintln!("error: {m}"),
        Fatal::Diagnostics {
            message,
            diagnostics,
            sources,
        } => {
            let rules = crate::check::rules();
            let opts = RenderOptions {
                color: color(),
                show_suppressed: false,
                files_checked: 0,
                rules: &rules,
                tool_version: env!("CARGO_PKG_VERSION"),
            };
            eprint!(
                "{}",
                diag::render(&diagnostics, &sources, Format::Human, &opts)
            );
            eprintln!("error: {message}");
        }
    }
    ExitCode::from(2)
}

fn options(root: &std::path::Path, site: &SiteArgs, quiet: bool) -> Options {
    Options {
        root: root.to_path_buf(),
        overlays: site.overlays.clone(),
        drafts: site.drafts,
        today: site.today,
        profile: site.profile,
        progress: progress(quiet),
        ..Options::default()
    }
}

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Init { dir } => match crate::scaffold::init(&dir) {
            Ok(()) => {
                if !cli.quiet {
                    println!(
                        "Created a new site in {}. Build it with: waymark --root {} build",
                        dir.display(),
                        dir.display()
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => fatal(Fatal::Message(e)),
        },
        Command::New { kind, path } => match crate::scaffold::new_page(&cli.root, kind, &path) {
            Ok(p) => {
                if !cli.quiet {
                    println!("Created {}", p.display());
                }
                ExitCode::SUCCESS
            }
            Err(e) => fatal(Fatal::Message(e)),
        },
        Command::Verify { dir } => match crate::write::verify(&dir) {
            Ok(r) if r.ok() => {
                if !cli.quiet {
                    println!(
                        "{}: all {} files match manifest.json",
                        dir.display(),
                        r.checked
                    );
                }
                ExitCode::SUCCESS
            }
            Ok(r) => {
                for p in &r.missing {
                    println!("missing: {p}");
                }
                for p in &r.changed {
                    println!("changed: {p}");
                }
                for p in &r.extra {
                    println!("not in manifest: {p}");
                }
                println!(
                    "{}: {} missing, {} changed, {} not in manifest",
                    dir.display(),
                    r.missing.len(),
                    r.changed.len(),
                    r.extra.len()
                );
                ExitCode::from(1)
            }
            Err(e) => fatal(Fatal::Message(e)),
        },
        Command::Build(args) => build(&cli.root, cli.quiet, args),
        Command::Check(args) => check(&cli.root, cli.quiet, args),
        Command::Search(args) => crate::index::cli_search(&cli.root, args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => crate::serve::run(&cli.root, cli.quiet, args),
    }
}

fn print_diagnostics(
    diags: &[crate::diag::Diagnostic],
    sources: &Sources,
    format: Format,
    show_suppressed: bool,
    files: usize,
    to_stdout: bool,
) {
    let rules = crate::check::rules();
    let opts = RenderOptions {
        color: format == Format::Human && color() && !to_stdout,
        show_suppressed,
        files_checked: files,
        rules: &rules,
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    let text = diag::render(diags, sources, format, &opts);
    if to_stdout {
        let _ = std::io::stdout().write_all(text.as_bytes());
    } else {
        let _ = std::io::stderr().write_all(text.as_bytes());
    }
}

fn build(root: &std::path::Path, quiet: bool, args: BuildArgs) -> ExitCode {
    let started = std::time::Instant::now();
    let mut opts = options(root, &args.site, quiet);
    opts.out = args.out.clone();
    opts.portable = args.portable.then_some(true);
    opts.static_search = args.no_static_search.then_some(false);
    let result = pipeline::build(&opts);
    if let Some(p) = &opts.progress {
        p.finish_and_clear();
    }
    let report = match result {
        Ok(r) => r,
        Err(e) => return fatal(e),
    };
    let c = &report.check;
    let shown = crate::diag::count(&c.diagnostics);
    if shown.errors + shown.warnings > 0 || args.format != Format::Human {
        print_diagnostics(
            &c.diagnostics,
            &c.site.sources,
            args.format,
            false,
            c.files,
            args.format != Format::Human,
        );
    }
    match &report.written {
        Some(w) => {
            if !quiet {
                eprintln!(
                    "Built {} pages into {} ({} files, {:.1} MB) in {:.2} s",
                    c.site.pages.len(),
                    w.out.display(),
                    w.files,
                    w.bytes as f64 / 1_048_576.0,
                    started.elapsed().as_secs_f64()
                );
            }
            ExitCode::SUCCESS
        }
        None => {
            eprintln!(
                "error: the site was not published because of the errors above; the previous output is unchanged"
            );
            ExitCode::from(1)
        }
    }
}

fn check(root: &std::path::Path, quiet: bool, args: CheckArgs) -> ExitCode {
    if let Some(name) = &args.explain {
        return match crate::check::explain(name) {
            Some(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            None => {
                let names: Vec<&str> = crate::check::rules().iter().map(|r| r.name).collect();
                eprintln!(
                    "error: no check named `{name}`\nhelp: checks are: {}",
                    names.join(", ")
                );
                ExitCode::from(2)
            }
        };
    }
    let opts = options(root, &args.site, quiet);
    let result = pipeline::check(&opts);
    if let Some(p) = &opts.progress {
        p.finish_and_clear();
    }
    let mut report = match result {
        Ok(r) => r,
        Err(e) => return fatal(e),
    };
    if let Some(b) = &args.baseline
        && let Err(e) =
            crate::check::baseline::apply(b, &mut report.diagnostics, &report.site.sources)
    {
        return fatal(Fatal::Message(e));
    }
    if let Some(b) = &args.write_baseline {
        if let Err(e) = crate::check::baseline::write(b, &report.diagnostics, &report.site.sources)
        {
            return fatal(Fatal::Message(e));
        }
        if !quiet {
            eprintln!(
                "Wrote the baseline of {} findings to {}",
                report
                    .diagnostics
                    .iter()
                    .filter(|d| d.suppressed.is_none())
                    .count(),
                b.display()
            );
        }
        return ExitCode::SUCCESS;
    }
    print_diagnostics(
        &report.diagnostics,
        &report.site.sources,
        args.format,
        args.show_suppressed,
        report.files,
        true,
    );
    if pipeline::has_errors(&report.diagnostics, args.deny.is_some()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
