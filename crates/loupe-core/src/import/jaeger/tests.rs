//! Unit tests of the jaeger importer.

use super::*;

#[test]
fn ids_are_padded_or_kept() {
    let s = |t: &str| Scalar::Str(t.to_owned().into());
    assert_eq!(
        jaeger_id::<8>(&s("ec2b4e0bcea566d"), false),
        JId::Bytes([0x0e, 0xc2, 0xb4, 0xe0, 0xbc, 0xea, 0x56, 0x6d])
    );
    let JId::Bytes(t) = jaeger_id::<16>(&s("2db17286b3e6b148"), false) else {
        panic!("not hex")
    };
    assert_eq!(&t[..8], &[0; 8]);
    assert_eq!(t[8], 0x2d);
    assert_eq!(
        jaeger_id::<8>(&s("span-2_1"), false),
        JId::Raw("span-2_1".into())
    );
    assert_eq!(
        jaeger_id::<8>(&s("00000000000000001"), false),
        JId::TooLong("00000000000000001".into())
    );
    assert_eq!(jaeger_id::<8>(&s("0"), false), JId::None);
    // api_v2: base64 first.
    assert_eq!(
        jaeger_id::<8>(&s("AAAAAAAAAAI="), true),
        JId::Bytes([0, 0, 0, 0, 0, 0, 0, 2])
    );
    // UI JSON: an 11-digit hex id is hex, not base64.
    assert_eq!(
        jaeger_id::<8>(&s("abcdef01234"), false),
        JId::Bytes([0, 0, 0x0a, 0xbc, 0xde, 0xf0, 0x12, 0x34])
    );
}
