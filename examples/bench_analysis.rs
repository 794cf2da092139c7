use std::time::Instant;
use waymark::analysis::*;
fn main() {
    let text = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let sents: Vec<&str> = text.lines().filter(|l| l.len() > 20 && !l.starts_with('-') && !l.starts_with('#') && !l.starts_with('|')).flat_map(|l| sentences::split(l).into_iter().map(move |r| &l[r])).collect();
    let n = sents.len();
    let t = Instant::now();
    for s in &sents { std::hint::black_box(tokens::tokenize(s)); }
    println!("tokenize {:?}/sent", t.elapsed() / n as u32);
    let t = Instant::now();
    for s in &sents { std::hint::black_box(quantities::scan(s)); }
    println!("scan {:?}/sent", t.elapsed() / n as u32);
    let t = Instant::now();
    for s in &sents { std::hint::black_box(directives::classify(s)); }
    println!("classify {:?}/sent", t.elapsed() / n as u32);
    let t = Instant::now();
    for s in &sents { std::hint::black_box(skeleton::skeleton(s)); }
    println!("skeleton {:?}/sent", t.elapsed() / n as u32);
    let t = Instant::now();
    for s in &sents { std::hint::black_box(minhash::shingles(s, 2)); }
    println!("shingles {:?}/sent", t.elapsed() / n as u32);
    let t = Instant::now();
    for s in &sents { std::hint::black_box(analyse_sentence(s, &NoExpansion, 2, |_| true)); }
    println!("analyse_sentence {:?}/sent ({} sentences)", t.elapsed() / n as u32, n);
}
