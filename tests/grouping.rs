//! The labelled set for grouping reports of one event: pairs that must group
//! (one event told by two sources, in their own words) and pairs that must not (same
//! topic, different event). Prints precision and recall and holds them to floors:
//! `cargo test --test grouping -- --nocapture`.

use jiff::Timestamp;
use liveblog::group::{Report, Sketch, same_event};
use liveblog::query::fold;

/// A report's `(title, body)`.
type Told = (&'static str, &'static str);

/// `(title, body)` of each side, minutes apart, and whether they must group.
const PAIRS: &[(Told, Told, i64, bool)] = &[
    (
        (
            "Russia launches 174 drones overnight, Ukraine says 90 shot down",
            "Ukraine's air force said Russia launched 174 drones; 90 were downed.",
        ),
        (
            "Ukrainian air defences down 90 of 174 Russian drones",
            "The air force said 174 drones were launched overnight and 90 were shot down.",
        ),
        35,
        true,
    ),
    (
        (
            "Earthquake of magnitude 6.4 strikes off the coast of Velmora",
            "The quake struck at a depth of 10km, the geological survey said.",
        ),
        (
            "Magnitude 6.4 quake hits off Velmora coast",
            "A strong earthquake struck off the coast of Velmora, with a depth of 10km.",
        ),
        12,
        true,
    ),
    (
        (
            "Central bank raises rates to 4.5%",
            "The bank's board voted to raise its key interest rate by a quarter point to 4.5%.",
        ),
        (
            "Interest rates rise to 4.5% as central bank acts on inflation",
            "The board raised the key rate a quarter point, to 4.5%, citing stubborn inflation.",
        ),
        20,
        true,
    ),
    (
        (
            "Storm Mireille makes landfall near Port Ébène",
            "The eye of the storm crossed the coast near Port Ebene with winds of 190km/h.",
        ),
        (
            "Mireille hits land close to Port Ebene",
            "“Mireille” crossed the coastline near Port Ébène, forecasters said, bringing torrential rain.",
        ),
        8,
        true,
    ),
    (
        (
            "Prime minister Dalton resigns after losing confidence vote",
            "Dalton lost the vote by 212 to 198 and announced her resignation.",
        ),
        (
            "Dalton quits as PM after confidence vote defeat",
            "The prime minister resigned after parliament voted 212 to 198 against her government.",
        ),
        25,
        true,
    ),
    (
        (
            "Train derails near Lyonne, 14 injured",
            "Fourteen passengers were injured when a regional train derailed near Lyonne.",
        ),
        (
            "14 hurt as regional train comes off the tracks near Lyonne",
            "A regional train derailed outside Lyonne; emergency services said 14 people were injured.",
        ),
        50,
        true,
    ),
    (
        (
            "Ceasefire talks collapse in Istanbul as delegation walks out",
            "The Ukrainian delegation walked out of the Istanbul talks on Thursday.",
        ),
        (
            "Ukrainian delegation walks out of Istanbul ceasefire talks",
            "Talks in Istanbul collapsed after the delegation walked out.",
        ),
        15,
        true,
    ),
    (
        (
            "Lyra rocket clears the tower on its first flight",
            "Lift-off! The Lyra rocket cleared the launch tower at Kourou.",
        ),
        (
            "Lift-off for Lyra: rocket leaves Kourou launch tower on maiden flight",
            "The Lyra rocket cleared the tower at Kourou on its first flight.",
        ),
        3,
        true,
    ),
    // Same topic, different events.
    (
        (
            "Russia launches 174 drones overnight, Ukraine says 90 shot down",
            "The air force said 174 drones were launched.",
        ),
        (
            "Russia launches 120 drones overnight, Ukraine says 80 shot down",
            "The air force said 120 drones were launched.",
        ),
        60,
        false,
    ),
    (
        (
            "Strike on Kharkiv kills 12",
            "Officials said 12 people died when a missile hit an apartment block in Kharkiv.",
        ),
        (
            "Strike on Kharkiv kills 3",
            "Officials said 3 people died when a missile hit a market in Kharkiv.",
        ),
        40,
        false,
    ),
    (
        (
            "Ukraine ceasefire talks resume in Geneva",
            "Delegations met behind closed doors.",
        ),
        (
            "Ukraine ceasefire: what we know so far",
            "A look at the state of the war and the prospects for a truce.",
        ),
        30,
        false,
    ),
    (
        (
            "Ceasefire talks collapse in Istanbul as delegation walks out",
            "The Ukrainian delegation walked out on Thursday.",
        ),
        (
            "Ukraine and Russia agree prisoner exchange",
            "Both sides agreed to swap 200 prisoners each, mediators said.",
        ),
        20,
        false,
    ),
    (
        (
            "Central bank raises rates to 4.5%",
            "The board voted to raise its key rate to 4.5%.",
        ),
        (
            "Central bank holds rates at 4.25%",
            "The board voted to keep its key rate at 4.25%.",
        ),
        90,
        false,
    ),
    (
        (
            "Storm Mireille makes landfall near Port Ébène",
            "The eye crossed the coast.",
        ),
        (
            "Power outages pass 200,000 as storm moves inland",
            "The grid operator says 200,000 homes are without power.",
        ),
        30,
        false,
    ),
    (
        (
            "Election: polls close across Velmora",
            "Counting starts now in all 220 constituencies.",
        ),
        (
            "Election: Civic Alliance wins 112 of 220 seats",
            "The Civic Alliance has a majority, the commission said.",
        ),
        120,
        false,
    ),
    (
        (
            "Drone attack on Odesa port damages grain terminal",
            "Regional officials said a grain terminal was damaged in the attack.",
        ),
        (
            "Drone attack on Kyiv injures 5",
            "Debris fell on two districts of the capital, the mayor said.",
        ),
        45,
        false,
    ),
];

fn report<'a>(
    title: &'a str,
    body: &'a str,
    sketch: &'a Sketch,
    source: &'a str,
    time: Timestamp,
) -> Report<'a> {
    Report {
        source,
        time,
        title,
        body,
        sketch,
    }
}

#[test]
fn the_labelled_set_groups_with_high_precision_and_recall() {
    let start: Timestamp = "2026-11-21T12:00:00Z".parse().expect("time");
    let (mut true_pos, mut false_pos, mut false_neg) = (0, 0, 0);
    for ((ta, ba), (tb, bb), minutes, must) in PAIRS {
        let (ta, ba, tb, bb) = (fold(ta), fold(ba), fold(tb), fold(bb));
        let (sa, sb) = (Sketch::of(&ta, &ba), Sketch::of(&tb, &bb));
        let later = start + jiff::SignedDuration::from_mins(*minutes);
        let a = report(&ta, &ba, &sa, "one", start);
        let b = report(&tb, &bb, &sb, "two", later);
        let grouped = same_event(&a, &b).is_some();
        // Symmetric, and one source never groups with itself.
        assert_eq!(grouped, same_event(&b, &a).is_some(), "{ta} / {tb}");
        let same_source = report(&tb, &bb, &sb, "one", later);
        assert!(same_event(&a, &same_source).is_none());
        match (grouped, *must) {
            (true, true) => true_pos += 1,
            (true, false) => {
                false_pos += 1;
                println!("grouped, must not: {ta} / {tb}");
            }
            (false, true) => {
                false_neg += 1;
                println!("not grouped, must: {ta} / {tb}");
            }
            (false, false) => {}
        }
    }
    let precision = f64::from(true_pos) / f64::from((true_pos + false_pos).max(1));
    let recall = f64::from(true_pos) / f64::from((true_pos + false_neg).max(1));
    println!(
        "grouping: precision {precision:.2}, recall {recall:.2} over {} pairs",
        PAIRS.len()
    );
    assert!(precision >= 0.99, "precision {precision}");
    assert!(recall >= 0.75, "recall {recall}");
}
