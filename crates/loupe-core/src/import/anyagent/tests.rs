//! Unit tests of the anyagent importer.

use super::*;

fn id(text: &str) -> Option<u128> {
    let raw: Box<RawValue> = serde_json::from_str(text).expect("json");
    match read_id(Some(&raw)) {
        AId::Value(v) => Some(v),
        _ => None,
    }
}

#[test]
fn decimal_ids_never_go_through_f64() {
    // 2^53 + 1 and a full 128-bit id: a double would round both.
    assert_eq!(id("9007199254740993"), Some(9_007_199_254_740_993));
    assert_eq!(
        id("100927429609276267646756448943279827607"),
        Some(100_927_429_609_276_267_646_756_448_943_279_827_607)
    );
    assert_eq!(
        id("\"0x4bf92f3577b34da6a3ce929d0e0e4736\""),
        Some(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736)
    );
    assert_eq!(id("\"00f067aa0ba902b7\""), Some(0x00f0_67aa_0ba9_02b7));
    assert_eq!(id("\"12345\""), Some(12345));
    assert_eq!(id("null"), None);
    assert_eq!(id("0"), None);
    assert!(matches!(
        read_id(Some(
            &serde_json::from_str::<Box<RawValue>>("\"abc-1\"").expect("json")
        )),
        AId::Bad(_)
    ));
}
