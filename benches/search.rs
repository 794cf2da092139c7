//! Search benchmark (issue 5): index build time and size at 1,000 and 10,000 pages, query
//! latency p50/p99 over 1,000 officer-style queries, and the static (Pagefind) index's cost:
//! build time, extra peak memory, size, and bytes a browser fetches for one query.
//!
//!     cargo bench --bench search                 # 1,000 and 10,000 pages
//!     cargo bench --bench search -- --pages 1000
//!
//! Sites come from `gen_corpus.py` (path in `WAYMARK_GEN_CORPUS`, default
//! `/work/shared/gen_corpus.py`) and are kept in `target/bench-sites/`. Times are reported with
//! a baseline measured in the same run: a bare tantivy index of each page's title and body
//! (default analyzer, default writer threads).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use waymark::graph::Site;
use waymark::index::query::{SearchIndex, SearchRequest};
use waymark::index::{self, IndexOptions, docs, static_index};
use waymark::pipeline::{self, Options};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --all-targets` runs bench targets too: measure only when asked to.
    if !args
        .iter()
        .any(|a| a == "--bench" || a == "--pages" || a == "--queries")
    {
        println!("search benchmark: run it with `cargo bench --bench search`");
        return;
    }
    let mut sizes: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--pages" {
            if let Some(n) = args.get(i + 1).and_then(|s| s.parse().ok()) {
                sizes.push(n);
            }
            i += 1;
        }
        i += 1;
    }
    if sizes.is_empty() {
        sizes = vec![1000, 10_000];
    }
    let skip_static = args.iter().any(|a| a == "--no-static");
    // `--queries DIR`: query latency only, over a folder kept by WAYMARK_BENCH_KEEP.
    if let Some(dir) = args
        .iter()
        .position(|a| a == "--queries")
        .and_then(|i| args.get(i + 1))
    {
        let dir = Path::new(dir);
        let titles: Vec<String> =
            serde_json::from_slice(&std::fs::read(dir.join("titles.json")).unwrap()).unwrap();
        query_latency(dir, &titles);
        return;
    }
    for n in sizes {
        run(n, skip_static);
    }
}

fn gen_site(pages: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-sites")
        .join(format!("site-{pages}"));
    if !dir.join("site.yaml").exists() {
        let script = std::env::var("WAYMARK_GEN_CORPUS")
            .unwrap_or_else(|_| "/work/shared/gen_corpus.py".into());
        let st = Command::new("python3")
            .arg(script)
            .args([
                "--pages",
                &pages.to_string(),
                "--seed",
                "1",
                "--format",
                "waymark",
                "--site",
                "--out",
            ])
            .arg(&dir)
            .status()
            .expect("run gen_corpus.py");
        assert!(st.success(), "gen_corpus.py failed");
    }
    dir
}

fn dir_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
        .sum()
}

/// Peak resident memory of this process so far, in bytes (Linux).
fn peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

fn mb(b: u64) -> String {
    format!("{:.1} MB", b as f64 / 1e6)
}

fn kb(b: u64) -> String {
    format!("{:.0} kB", b as f64 / 1e3)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// The baseline: title and body of every page in a bare tantivy index.
fn bare_tantivy(site: &Site, dir: &Path) -> Duration {
    use tantivy::schema::{Schema, TEXT};
    let t = Instant::now();
    let mut b = Schema::builder();
    let title = b.add_text_field("title", TEXT);
    let body = b.add_text_field("body", TEXT);
    std::fs::create_dir_all(dir).unwrap();
    let index = tantivy::Index::create_in_dir(dir, b.build()).unwrap();
    let mut w: tantivy::IndexWriter = index.writer(200_000_000).unwrap();
    for p in &site.pages {
        let mut d = tantivy::TantivyDocument::new();
        d.add_text(title, &p.fm.title);
        d.add_text(body, &p.body.text);
        w.add_document(d).unwrap();
    }
    w.commit().unwrap();
    w.wait_merging_threads().unwrap();
    t.elapsed()
}

/// Deterministic officer-style queries from the site's own words: single words, word pairs
/// from titles, section citations, a misspelling, a question.
fn queries(titles: &[String], n: usize) -> Vec<String> {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let titles: Vec<Vec<String>> = titles
        .iter()
        .map(|t| {
            t.split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() > 3)
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let words = &titles[(next() as usize) % titles.len()];
        let w = |k: u64| words[(k as usize) % words.len()].clone();
        let q = match out.len() % 6 {
            0 => w(next()),
            1 => format!("{} {}", w(next()), w(next())),
            2 => format!("s{}a", 1 + next() % 9),
            3 => {
                let mut s = w(next());
                if s.len() > 5 {
                    s.remove(s.len() / 2);
                }
                s
            }
            4 => format!("how do I {} the {}", w(next()), w(next())),
            _ => format!(
                "section {} of the Protection from Harassment Act",
                1 + next() % 9
            ),
        };
        out.push(q);
    }
    out
}

/// Bytes the browser fetches for one query through Pagefind (node runs pagefind.js with
/// `fetch` served from disk): the index files, plus the scripts.
fn pagefind_fetch(dir: &Path, query: &str) -> Option<(u64, usize)> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/pagefind_query.mjs");
    let out = Command::new("node")
        .arg(script)
        .arg(dir)
        .arg(query)
        .arg("10")
        .output()
        .ok()?;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    Some((v["bytes"].as_u64()?, v["count"].as_u64()? as usize))
}

fn run(pages: usize, skip_static: bool) {
    let root = gen_site(pages);
    let work = tempfile::tempdir().unwrap();
    println!("== {pages} pages ({})", root.display());
    let t = Instant::now();
    let report = pipeline::check(&Options {
        root: root.clone(),
        today: Some(jiff::civil::date(2026, 11, 28)),
        ..Options::default()
    })
    .expect("check");
    let site = report.site;
    println!("load + check (not part of search): {}", secs(t.elapsed()));

    if !skip_static {
        // First, so its peak memory is not hidden under the tantivy build's.
        let before = peak_rss();
        let t = Instant::now();
        let docs = docs::collect(&site, false);
        let out = work.path().join("pagefind");
        static_index::write(&out, &docs, &site.config.language).expect("static index");
        let took = t.elapsed();
        let extra = peak_rss().saturating_sub(before);
        println!(
            "static index (Pagefind): {} , {} on disk, {} files, peak memory +{}",
            secs(took),
            mb(dir_size(&out)),
            walkdir::WalkDir::new(&out)
                .into_iter()
                .flatten()
                .filter(|e| e.file_type().is_file())
                .count(),
            mb(extra)
        );
        let mut fetched: Vec<u64> = Vec::new();
        for q in ["stalking", "harassment", "victim", "order", "evidence"] {
            if let Some((b, _)) = pagefind_fetch(&out, q) {
                fetched.push(b);
            }
        }
        let scripts = ["pagefind.js", "pagefind-worker.js"]
            .iter()
            .map(|f| std::fs::metadata(out.join(f)).map(|m| m.len()).unwrap_or(0))
            .sum::<u64>();
        if fetched.is_empty() {
            println!("  bytes per query: node not available");
        } else {
            fetched.sort_unstable();
            println!(
                "  bytes fetched for a one-word query (10 results): median {} (max {}), plus {} of scripts cached after the first search",
                kb(fetched[fetched.len() / 2]),
                kb(*fetched.last().unwrap()),
                kb(scripts)
            );
        }
    }

    let t = Instant::now();
    let sections: usize = docs::collect(&site, false)
        .iter()
        .map(|d| d.sections.len())
        .sum();
    println!(
        "sections to index: {sections} (cutting pages into sections: {})",
        secs(t.elapsed())
    );
    let base = bare_tantivy(&site, &work.path().join("bare"));
    let bare_size = dir_size(&work.path().join("bare"));
    let t = Instant::now();
    let out = work.path().join("site");
    index::build(
        &site,
        &out,
        &IndexOptions {
            static_search: false,
            portable: false,
            theme: None,
        },
    )
    .expect("index");
    let took = t.elapsed();
    let size = dir_size(&out.join(index::query::INDEX_DIR));
    println!(
        "tantivy index: {} ({:.2}x the bare baseline's {}), {} on disk ({:.2}x the baseline's {})",
        secs(took),
        took.as_secs_f64() / base.as_secs_f64(),
        secs(base),
        mb(size),
        size as f64 / bare_size as f64,
        mb(bare_size)
    );

    let titles: Vec<String> = site.pages.iter().map(|p| p.fm.title.clone()).collect();
    bare_latency(&work.path().join("bare"), &queries(&titles, 1000));
    query_latency(&out, &titles);
    if let Ok(keep) = std::env::var("WAYMARK_BENCH_KEEP") {
        let keep = Path::new(&keep).join(format!("site-{pages}"));
        let _ = std::fs::remove_dir_all(&keep);
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::rename(
            out.join(index::query::INDEX_DIR),
            keep.join(index::query::INDEX_DIR),
        )
        .unwrap();
        std::fs::write(
            keep.join("titles.json"),
            serde_json::to_vec(&titles).unwrap(),
        )
        .unwrap();
    }
}

/// The baseline's query latency: tantivy's own query parser over title and body, top 10,
/// best of five runs of each query (lenient parsing, as typed queries are not query syntax).
fn bare_latency(dir: &Path, qs: &[String]) {
    let index = tantivy::Index::open_in_dir(dir).unwrap();
    let schema = index.schema();
    let fields = ["title", "body"]
        .map(|f| schema.get_field(f).unwrap())
        .to_vec();
    let parser = tantivy::query::QueryParser::for_index(&index, fields);
    let searcher = index.reader().unwrap().searcher();
    let mut best: Vec<Duration> = qs
        .iter()
        .map(|q| {
            (0..5)
                .map(|_| {
                    let t = Instant::now();
                    let (query, _) = parser.parse_query_lenient(q);
                    let top = tantivy::collector::TopDocs::with_limit(10).order_by_score();
                    let hits = searcher.search(&query, &(top, tantivy::collector::Count));
                    std::hint::black_box(hits.unwrap());
                    t.elapsed()
                })
                .min()
                .unwrap()
        })
        .collect();
    best.sort_unstable();
    let at = |p: usize| best[(best.len() * p / 100).min(best.len() - 1)].as_secs_f64() * 1e3;
    println!(
        "bare baseline queries (title + body, top 10 and count), best of 5: p50 {:.2} ms, p99 {:.2} ms",
        at(50),
        at(99)
    );
}

/// Query latency over a built site folder `out`.
fn query_latency(out: &Path, titles: &[String]) {
    let t = Instant::now();
    let idx = SearchIndex::open(out).expect("open");
    println!("open index: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let qs = queries(titles, 1000);
    let search = |q: &str| {
        idx.search(&SearchRequest {
            query: q.to_string(),
            kind: None,
            limit: 10,
        })
        .expect("search")
    };
    // First run of each query (wall clock, on a shared machine), and the best of five runs
    // (the query's own cost, without the pauses other processes cause).
    let mut first: Vec<Duration> = Vec::with_capacity(qs.len());
    let mut best: Vec<Duration> = Vec::with_capacity(qs.len());
    let mut found = 0usize;
    for q in &qs {
        let t = Instant::now();
        found += usize::from(search(q).total > 0);
        first.push(t.elapsed());
    }
    for q in &qs {
        let b = (0..5)
            .map(|_| {
                let t = Instant::now();
                search(q);
                t.elapsed()
            })
            .min()
            .unwrap();
        best.push(b);
    }
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1e3);
    // The slowest queries, to see what the tail is made of.
    let mut slowest: Vec<(Duration, &String)> = best.iter().copied().zip(&qs).collect();
    slowest.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    for (d, q) in slowest.iter().take(5) {
        println!("  slow: {} {q:?}", ms(*d));
    }
    let pct = |v: &mut Vec<Duration>, p: usize| {
        v.sort_unstable();
        v[(v.len() * p / 100).min(v.len() - 1)]
    };
    println!(
        "queries: {} ({} found something). First run: p50 {}, p99 {}. Best of 5: p50 {}, p99 {}, max {}",
        qs.len(),
        found,
        ms(pct(&mut first, 50)),
        ms(pct(&mut first, 99)),
        ms(pct(&mut best, 50)),
        ms(pct(&mut best, 99)),
        ms(*best.iter().max().unwrap())
    );
}
