use waymark::analysis::*;
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    for s in args {
        println!("== {s}");
        let f = quantities::scan(&s);
        for q in &f.quantities {
            println!(
                "  Q {:?} {:?} {} {:?} {:?} canon={}",
                &s[q.span.clone()],
                q.unit,
                q.value,
                q.max,
                q.bound,
                q.canonical()
            );
        }
        for d in &f.dates {
            println!("  D {:?} {:?}", &s[d.span.clone()], d.canonical());
        }
        for r in sentences::split(&s) {
            println!("  S {:?}", &s[r]);
        }
        match directives::classify(&s) {
            Some(d) => println!(
                "  DIR {:?} actor={:?} role={} verb={} action={:?} cond={:?} span={:?} imp={} pass={}",
                d.modal,
                d.actor,
                d.role_subject,
                d.verb,
                d.action,
                d.conditions,
                &s[d.modal_span.clone()],
                d.imperative,
                d.passive
            ),
            None => println!("  no directive"),
        }
        let sk = skeleton::skeleton(&s);
        println!(
            "  SK words={} slots={:?}",
            sk.words,
            sk.slots.iter().map(|x| x.key()).collect::<Vec<_>>()
        );
    }
}
