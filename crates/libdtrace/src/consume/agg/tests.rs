use super::*;
use crate::consume::output::PrintCtx;
use crate::consume::value::{Symbol, Symbolizer};
use crate::printf_format::parse_format;

fn s(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap()
}

/// The kernel's bucket search (dtrace_aggregate_quantize()), as a
/// reference for [`quantize_bucket`].
fn quantize_bucket_loop(v: i64) -> usize {
    if v < 0 {
        (0..QUANTIZE_ZERO_BUCKET).find(|&i| v <= quantize_bucket_value(i)).unwrap()
    } else {
        for i in QUANTIZE_ZERO_BUCKET + 1..QUANTIZE_NBUCKETS {
            if v < quantize_bucket_value(i) {
                return i - 1;
            }
        }
        QUANTIZE_NBUCKETS - 1
    }
}

#[test]
fn quantize_buckets() {
    assert_eq!(quantize_bucket(0), 63);
    assert_eq!(quantize_bucket(1), 64);
    assert_eq!(quantize_bucket(2), 65);
    assert_eq!(quantize_bucket(3), 65);
    assert_eq!(quantize_bucket(4), 66);
    assert_eq!(quantize_bucket(-1), 62);
    assert_eq!(quantize_bucket(-2), 61);
    assert_eq!(quantize_bucket(-3), 61);
    assert_eq!(quantize_bucket(-4), 60);
    assert_eq!(quantize_bucket(1 << 62), 126);
    assert_eq!(quantize_bucket(i64::MAX), 126);
    assert_eq!(quantize_bucket(-(1 << 62)), 0);
    assert_eq!(quantize_bucket(i64::MIN), 0);
    assert_eq!(quantize_bucket_value(0), -(1 << 62));
    assert_eq!(quantize_bucket_value(62), -1);
    assert_eq!(quantize_bucket_value(64), 1);
    assert_eq!(quantize_bucket_value(126), 1 << 62);
    let mut vals = vec![0i64, i64::MIN, i64::MAX, i64::MIN + 1];
    for k in 0..63 {
        for d in [-1i64, 0, 1] {
            vals.push((1i64 << k).wrapping_add(d));
            vals.push(-(1i64 << k).wrapping_add(d));
        }
    }
    for v in vals {
        assert_eq!(quantize_bucket(v), quantize_bucket_loop(v), "v = {}", v);
    }
}

#[test]
fn lquantize_buckets() {
    // lquantize(x, 0, 10, 2): 5 levels + underflow + overflow.
    assert_eq!(lquantize_nbuckets(0, 10, 2), 7);
    assert_eq!(lquantize_bucket(-1, 0, 10, 2), 0);
    assert_eq!(lquantize_bucket(0, 0, 10, 2), 1);
    assert_eq!(lquantize_bucket(1, 0, 10, 2), 1);
    assert_eq!(lquantize_bucket(2, 0, 10, 2), 2);
    assert_eq!(lquantize_bucket(9, 0, 10, 2), 5);
    assert_eq!(lquantize_bucket(10, 0, 10, 2), 6);
    assert_eq!(lquantize_bucket(i64::MAX, 0, 10, 2), 6);
    assert_eq!(lquantize_bucket(i64::MIN, -5, 5, 1), 0);
    // A limit not on a step: levels = (limit - base) / step.
    assert_eq!(lquantize_nbuckets(0, 10, 3), 5);
    assert_eq!(lquantize_bucket(9, 0, 10, 3), 4);
}

#[test]
fn llquantize_buckets() {
    // llquantize(x, 10, 0, 3, 1): steps 1 < factor; per = 1; bin0 = 5.
    assert_eq!(llquantize_nbuckets(10, 0, 3, 1), 11);
    assert_eq!(llquantize_bucket(0, 10, 0, 3, 1), 5);
    assert_eq!(llquantize_bucket(9, 10, 0, 3, 1), 6);
    assert_eq!(llquantize_bucket(10, 10, 0, 3, 1), 7);
    assert_eq!(llquantize_bucket(9999, 10, 0, 3, 1), 9);
    assert_eq!(llquantize_bucket(10000, 10, 0, 3, 1), 10);
    assert_eq!(llquantize_bucket(-10, 10, 0, 3, 1), 3);
    assert_eq!(llquantize_bucket(-10000, 10, 0, 3, 1), 0);
    assert_eq!(llquantize_bucket(i64::MIN, 10, 0, 3, 1), 0);
    // Low magnitude > 0: |v| < factor^low goes to bin0.
    assert_eq!(llquantize_nbuckets(4, 4, 6, 32), 2 * 3 * 24 + 3);
    assert_eq!(llquantize_bucket(255, 4, 4, 6, 32), 73);
    assert_eq!(llquantize_bucket(-255, 4, 4, 6, 32), 73);
    assert_eq!(llquantize_bucket(256, 4, 4, 6, 32), 74);
    assert_eq!(llquantize_bucket(-256, 4, 4, 6, 32), 72);
}


/// tst.llquantize_basic.r, basicD: llquantize(x, 4, 4, 6, 32) (low
/// magnitude > 0, more steps than the factor); selected rows.
#[test]
fn llquantize_basic_d() {
    let calls: [(i64, i64); 40] = [
        (-65536, 2), (-16384, 4), (-16384 + 1, 8), (-4096 - 11 * 512, 16), (-4096 - 11 * 512 + 1, 32),
        (-4096 - 10 * 512, 64), (-4096 - 10 * 512 + 1, 128), (-4096 - 9 * 512, 256), (-4096 - 9 * 512 + 1, 512),
        (-4096 - 8 * 512, 1024), (-4096 - 8 * 512 + 1, 1024), (-4096 - 512 - 2, 2048), (-4096 - 512 - 1, 4096),
        (-1024 - 12 * 128, 2048), (-1024 - 12 * 128 + 1, 4096), (-1024, 2048), (-256 - 3 * 32, 1024),
        (-256 - 3 * 32 + 1, 512), (-256, 256), (-256 + 1, 128), (256 - 1, 2), (256, 256), (256 + 3 * 32 - 1, 512),
        (256 + 3 * 32, 1024), (1024, 2048), (1024 + 12 * 128 - 1, 4096), (1024 + 12 * 128, 2048),
        (4096 + 512 + 1, 4096), (4096 + 512 + 2, 2048), (4096 + 8 * 512 - 1, 1024), (4096 + 8 * 512, 1024),
        (4096 + 9 * 512 - 1, 512), (4096 + 9 * 512, 256), (4096 + 10 * 512 - 1, 128), (4096 + 10 * 512, 64),
        (4096 + 11 * 512 - 1, 32), (4096 + 11 * 512, 16), (16384 - 1, 8), (16384, 4), (65536, 2),
    ];
    let kind = AggKind::Llquantize { factor: 4, low: 4, high: 6, nsteps: 32 };
    let mut v = kind.identity();
    for (x, inc) in calls {
        v.record(&kind, x, inc);
    }
    let mut out = Vec::new();
    print_value(&mut out, &v, &kind, 1);
    let got = s(out);
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(lines[0], "");
    assert_eq!(lines[1], "           value  ------------- Distribution ------------- count    ");
    assert_eq!(lines[2], "       <= -16384 |                                         6        ");
    assert_eq!(lines[3], "          -15872 |                                         8        ");
    assert_eq!(lines[4], "          -15360 |                                         0        ");
    let want = [
        "           -8192 |@@                                       1536     ",
        "           -4608 |@@@@@@                                   6144     ",
        "           -4096 |                                         0        ",
        "           -3968 |                                         0        ",
        "           -2432 |@@@@                                     4096     ",
        "            -992 |                                         0        ",
        "            -352 |@                                        1024     ",
        "            -288 |                                         0        ",
        "            -256 |                                         256      ",
        "     abs() < 256 |                                         130      ",
        "             256 |                                         256      ",
        "             288 |                                         0        ",
        "             320 |@                                        512      ",
        "            1024 |@@                                       2048     ",
        "            1152 |                                         0        ",
        "            9728 |                                         16       ",
        "           15872 |                                         8        ",
        "        >= 16384 |                                         6        ",
    ];
    for w in want {
        assert!(lines.contains(&w), "missing row {:?}", w);
    }
    assert_eq!(*lines.last().unwrap(), "        >= 16384 |                                         6        ");
    // Rows in tst.llquantize_basic.r's basicD table: 147, plus header.
    assert_eq!(lines.len(), 2 + 147);
}

/// test/unittest/aggs/tst.quantlast.d/.r: data only in the last bucket.
#[test]
fn quantize_last_bucket() {
    let kind = AggKind::Quantize;
    let mut v = kind.identity();
    v.record(&kind, 0x4000000000000000, 1234);
    let mut out = b"\n".to_vec(); // dtrace's newline at exit
    print_aggregation(&mut out, &[(vec![], v)], &kind, 1);
    assert_eq!(
        s(out),
        "\n\n           value  ------------- Distribution ------------- count    \n\
         2305843009213693952 |                                         0        \n\
         4611686018427387904 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1234     \n\n"
    );
}

#[test]
fn quantize_table() {
    // Rows from one before the first non-zero bucket to one after the last;
    // bars proportional to 40 columns, rounded.
    let kind = AggKind::Quantize;
    let mut v = kind.identity();
    for x in [1, 2, 3, 8] {
        v.record(&kind, x, 1);
    }
    let mut out = Vec::new();
    print_value(&mut out, &v, &kind, 1);
    assert_eq!(
        s(out),
        "\n           value  ------------- Distribution ------------- count    \n\
         \x20              0 |                                         0        \n\
         \x20              1 |@@@@@@@@@@                               1        \n\
         \x20              2 |@@@@@@@@@@@@@@@@@@@@                     2        \n\
         \x20              4 |                                         0        \n\
         \x20              8 |@@@@@@@@@@                               1        \n\
         \x20             16 |                                         0        \n"
    );
    // No data (only negative increments cancelled out): rows -1, 0, 1.
    let mut out = Vec::new();
    print_value(&mut out, &kind.zero(), &kind, 1);
    assert_eq!(
        s(out),
        "\n           value  ------------- Distribution ------------- count    \n\
         \x20             -1 |                                         0        \n\
         \x20              0 |                                         0        \n\
         \x20              1 |                                         0        \n"
    );
}

/// test/unittest/aggs/tst.trunc-lquantize-5.d/.r (entries 195 and 301):
/// an int key (" %8d"), then the lquantize table; sorted by value.
#[test]
fn lquantize_with_keys() {
    let kind = AggKind::Lquantize { base: 0, limit: 150, step: 1 };
    let mk = |i: i64, key: i64, inc: i64| {
        let mut v = kind.identity();
        for d in 1..=4 {
            v.record(&kind, i + d, inc);
        }
        (vec![Value::int(key, 4)], v)
    };
    let mut entries = vec![mk(101, 301, 20101), mk(95, 195, 10095)];
    sort_entries(&mut entries, &kind, &SortOpts::default());
    let mut out = b"\n".to_vec();
    print_aggregation(&mut out, &entries, &kind, 1);
    let want = "\n      195\n           value  ------------- Distribution ------------- count    \n              95 |                                         0        \n              96 |@@@@@@@@@@                               10095    \n              97 |@@@@@@@@@@                               10095    \n              98 |@@@@@@@@@@                               10095    \n              99 |@@@@@@@@@@                               10095    \n             100 |                                         0        \n\n      301\n           value  ------------- Distribution ------------- count    \n             101 |                                         0        \n             102 |@@@@@@@@@@                               20101    \n             103 |@@@@@@@@@@                               20101    \n             104 |@@@@@@@@@@                               20101    \n             105 |@@@@@@@@@@                               20101    \n             106 |                                         0        \n\n";
    assert_eq!(s(out), want);
}

#[test]
fn lquantize_labels() {
    let kind = AggKind::Lquantize { base: 0, limit: 10, step: 5 };
    let mut v = kind.identity();
    v.record(&kind, -1, 1);
    v.record(&kind, 12, 3);
    let mut out = Vec::new();
    print_value(&mut out, &v, &kind, 1);
    assert_eq!(
        s(out),
        "\n           value  ------------- Distribution ------------- count    \n\
         \x20            < 0 |@@@@@@@@@@                               1        \n\
         \x20              0 |                                         0        \n\
         \x20              5 |                                         0        \n\
         \x20          >= 10 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@           3        \n"
    );
}

/// test/unittest/aggs/tst.signedkeys.d/.r: with aggsortkey, integer keys of
/// each size sort as unsigned; 1- and 2-byte keys print unsigned (" %3d",
/// " %5d"), 4- and 8-byte keys signed (" %8d", " %16lld").
#[test]
fn signed_keys() {
    let kind = AggKind::Sum;
    let opts = SortOpts { sortkey: true, ..SortOpts::default() };
    let mut out = b"\n".to_vec();
    for size in [1u8, 2, 4, 8] {
        let mut entries: Vec<_> = [-2i64, -1, 0, 1, 2]
            .iter()
            .map(|&k| {
                let mut v = kind.identity();
                v.record(&kind, k, 1);
                (vec![Value::int(k, size)], v)
            })
            .collect();
        sort_entries(&mut entries, &kind, &opts);
        print_aggregation(&mut out, &entries, &kind, 1);
    }
    let want = "\n   0                0\n   1                1\n   2                2\n 254               -2\n 255               -1\n     0                0\n     1                1\n     2                2\n 65534               -2\n 65535               -1\n        0                0\n        1                1\n        2                2\n       -2               -2\n       -1               -1\n                0                0\n                1                1\n                2                2\n               -2               -2\n               -1               -1\n";
    assert_eq!(s(out), want);
}

/// The Oracle Linux DTrace guide's count() example (syscall::write:entry,
/// @counts[execname] = count()): "  %-50s" keys, " %16lld" values, sorted
/// by value then key.
#[test]
fn default_layout_string_keys() {
    let kind = AggKind::Count;
    let mut entries: Vec<_> = [("gnome-terminal", 9421u64), ("bash", 9), ("dirname", 1), ("dtrace", 1), ("Xorg", 21), ("cat", 9)]
        .iter()
        .map(|(k, n)| (vec![Value::str(k)], AggValue::Count(*n)))
        .collect();
    sort_entries(&mut entries, &kind, &SortOpts::default());
    let mut out = Vec::new();
    print_aggregation(&mut out, &entries, &kind, 1);
    let want = "  dirname                                                           1\n  dtrace                                                            1\n  bash                                                              9\n  cat                                                               9\n  Xorg                                                             21\n  gnome-terminal                                                 9421\n";
    assert_eq!(s(out), want);
}

/// test/unittest/aggs/tst.count_notquiet.r and tst.empty.r: key-less
/// values print " %16lld" after dtrace's exit newline.
#[test]
fn keyless_scalars() {
    let mut out = b"\n".to_vec();
    print_aggregation(&mut out, &[(vec![], AggValue::Count(10))], &AggKind::Count, 1);
    assert_eq!(s(out), "\n               10\n");
    let mut out = b"\n".to_vec();
    print_aggregation(&mut out, &[(vec![], AggValue::Sum(12345678))], &AggKind::Sum, 1);
    assert_eq!(s(out), "\n         12345678\n");
    // tst.min.r
    let mut v = AggKind::Min.identity();
    for i in (0..1000).step_by(100) {
        v.record(&AggKind::Min, 900 - i, 1);
    }
    let mut out = b"\n".to_vec();
    print_aggregation(&mut out, &[(vec![], v)], &AggKind::Min, 1);
    assert_eq!(s(out), "\n                0\n");
    // An empty aggregation prints nothing; printa() of it just "\n".
    let mut out = Vec::new();
    print_aggregation(&mut out, &[], &AggKind::Count, 1);
    assert!(out.is_empty());
    printa(&mut out, &[], &AggKind::Count, 1, &[], &PrintCtx::default());
    assert_eq!(s(out), "\n");
}

/// test/unittest/aggs/tst.stddev2.d/.r: printa("%9@x\n", @x) of stddev()
/// over two values.
#[test]
fn stddev_values() {
    let pairs: [(i64, i64, &str); 12] = [
        (0, 0, "        0"),
        (0x10, 0x20, "        8"),
        (0x100, 0x200, "       80"),
        (0x1000, 0x2000, "      800"),
        (0x10000, 0x20000, "     8000"),
        (0x100000, 0x200000, "    80000"),
        (0x1000000, 0x2000000, "   800000"),
        (0x10000000, 0x20000000, "  8000000"),
        (0x20000000, 0x40000000, " 10000000"),
        (0x40000000, 0x80000000, " 20000000"),
        (0x80000000, 0x100000000, " 40000000"),
        (0x100000000, 0x200000000, " 80000000"),
    ];
    let fmt = parse_format(b"%9@x\n").unwrap();
    let kind = AggKind::Stddev;
    for (a, b, want) in pairs {
        let mut v = kind.identity();
        v.record(&kind, a, 1);
        v.record(&kind, b, 1);
        let mut out = Vec::new();
        printa_format(&mut out, &fmt, &[(vec![], v)], &kind, 1);
        assert_eq!(s(out), format!("{}\n", want));
    }
    assert_eq!(stddev(4, 10, 30, 1), 1); // values 1..4: sqrt(7.5 - 4) = 1.87
    assert_eq!(stddev(2, -6, 20, 1), 1); // values -2, -4
    assert_eq!(stddev(0, 0, 0, 1), 0);
}

/// test/unittest/printa/tst.basics.d/.r: printa() with a format for every
/// kind of aggregation.
#[test]
fn printa_basics() {
    let cases: Vec<(&str, AggKind, i64)> = vec![
        ("@a = %@u\n", AggKind::Avg, 1),
        ("@b = %@u\n", AggKind::Count, 0),
        ("@c = %@d\n", AggKind::Lquantize { base: 1, limit: 10, step: 1 }, 1),
        ("@d = %@u\n", AggKind::Max, 1),
        ("@e = %@u\n", AggKind::Min, 1),
        ("@f = %@u\n", AggKind::Sum, 1),
        ("@g = %@d\n", AggKind::Quantize, 1),
    ];
    let mut out = Vec::new();
    for (f, kind, x) in cases {
        let mut v = kind.identity();
        v.record(&kind, x, 1);
        printa_format(&mut out, f.as_bytes(), &[(vec![], v)], &kind, 1);
    }
    let want = "@a = 1\n@b = 1\n@c = \n           value  ------------- Distribution ------------- count    \n             < 1 |                                         0        \n               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        \n               2 |                                         0        \n\n@d = 1\n@e = 1\n@f = 1\n@g = \n           value  ------------- Distribution ------------- count    \n               0 |                                         0        \n               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        \n               2 |                                         0        \n\n";
    assert_eq!(s(out), want);
}

#[test]
fn printa_keys_and_values() {
    // printf(format, key1, key2) with %@ taking the value; keys beyond the
    // conversions are dropped; %@d of count() prints unsigned.
    let kind = AggKind::Count;
    let entries = vec![
        (vec![Value::str("cat"), Value::int(7, 4)], AggValue::Count(3)),
        (vec![Value::str("bash"), Value::int(9, 4)], AggValue::Count(u64::MAX)),
    ];
    let mut out = Vec::new();
    printa_format(&mut out, b"%-8s %@d|".as_slice(), &entries, &kind, 1);
    assert_eq!(s(out), "cat      3|bash     18446744073709551615|");
    let mut out = Vec::new();
    printa_format(&mut out, b"%@3d %s %d\n".as_slice(), &entries[..1], &kind, 1);
    assert_eq!(s(out), "  3 cat 7\n");
    // sum() is signed.
    let mut out = Vec::new();
    printa_format(&mut out, b"%@d %@x\n".as_slice(), &[(vec![], AggValue::Sum(-2))], &AggKind::Sum, 1);
    assert_eq!(s(out), "-2 fffffffffffffffe\n");
    // avg() under %@d: DTrace's unsigned division of the total.
    let mut out = Vec::new();
    printa_format(&mut out, b"%@d\n".as_slice(), &[(vec![], AggValue::Avg { count: 2, total: 7 })], &AggKind::Avg, 1);
    assert_eq!(s(out), "3\n");
}

#[test]
fn normalization() {
    // normalize(@, 10): scalars and bucket counts divided for printing.
    let mut out = Vec::new();
    print_aggregation(&mut out, &[(vec![], AggValue::Count(1234))], &AggKind::Count, 10);
    assert_eq!(s(out), "              123\n");
    let mut out = Vec::new();
    print_aggregation(&mut out, &[(vec![], AggValue::Avg { count: 2, total: 100 })], &AggKind::Avg, 10);
    assert_eq!(s(out), "                5\n");
    let mut out = Vec::new();
    printa_format(&mut out, b"%@d\n".as_slice(), &[(vec![], AggValue::Sum(-100))], &AggKind::Sum, 10);
    assert_eq!(s(out), "-10\n");
    let kind = AggKind::Quantize;
    let mut v = kind.identity();
    v.record(&kind, 1, 20);
    let mut out = Vec::new();
    print_value(&mut out, &v, &kind, 10);
    assert!(s(out).contains("               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 2        \n"));
    assert_eq!(normalize_scalar(-10, 1), -10);
}

#[test]
fn merging() {
    let mut a = AggValue::Min(5);
    a.merge(&AggValue::Min(-3));
    assert_eq!(a, AggValue::Min(-3));
    let mut a = AggKind::Max.identity();
    a.merge(&AggValue::Max(-7));
    assert_eq!(a, AggValue::Max(-7));
    let mut a = AggValue::Avg { count: 2, total: 10 };
    a.merge(&AggValue::Avg { count: 1, total: -4 });
    assert_eq!(a, AggValue::Avg { count: 3, total: 6 });
    let mut a = AggValue::Stddev { count: 1, total: 1, total_sq: u128::MAX };
    a.merge(&AggValue::Stddev { count: 1, total: 2, total_sq: 5 });
    assert_eq!(a, AggValue::Stddev { count: 2, total: 3, total_sq: 4 });
    let mut a = AggKind::Quantize.identity();
    a.record(&AggKind::Quantize, 5, 1);
    let mut b = AggKind::Quantize.identity();
    b.record(&AggKind::Quantize, 5, 2);
    b.record(&AggKind::Quantize, -5, -1);
    a.merge(&b);
    let AggValue::Quantize(q) = &a else { panic!() };
    assert_eq!(q[quantize_bucket(5)], 3);
    assert_eq!(q[quantize_bucket(-5)] as i64, -1);
    let mut c = AggValue::Count(1);
    c.merge(&AggValue::Count(2));
    assert_eq!(c, AggValue::Count(3));
    assert_eq!(AggKind::Min.cleared(), AggValue::Min(i64::MAX));
}

#[test]
fn sorting() {
    let kind = AggKind::Sum;
    let e = |k: &str, v: i64| (vec![Value::str(k)], AggValue::Sum(v));
    let entries = vec![e("b", 2), e("a", 2), e("c", -1), e("d", 10)];
    let order = |opts: SortOpts| -> Vec<String> {
        let mut v = entries.clone();
        sort_entries(&mut v, &kind, &opts);
        v.iter().map(|(k, _)| String::from_utf8(k[0].str_bytes().unwrap().to_vec()).unwrap()).collect()
    };
    assert_eq!(order(SortOpts::default()), ["c", "a", "b", "d"]);
    assert_eq!(order(SortOpts { sortrev: true, ..SortOpts::default() }), ["d", "b", "a", "c"]);
    assert_eq!(order(SortOpts { sortkey: true, ..SortOpts::default() }), ["a", "b", "c", "d"]);
    // Averages sort by their integer quotient; distributions by weight.
    let a1 = AggValue::Avg { count: 3, total: 10 };
    let a2 = AggValue::Avg { count: 1, total: 3 };
    assert_eq!(cmp_values(&a1, &a2, &AggKind::Avg), Ordering::Equal);
    let q = AggKind::Quantize;
    let mut x = q.identity();
    x.record(&q, 100, 1);
    let mut y = q.identity();
    y.record(&q, 1, 50);
    assert_eq!(cmp_values(&x, &y, &q), Ordering::Greater);
    // count() values compare as signed 64-bit numbers.
    assert_eq!(cmp_values(&AggValue::Count(u64::MAX), &AggValue::Count(1), &AggKind::Count), Ordering::Less);
    // aggsortkeypos: the second key compares first.
    let k = |a: i64, b: i64| (vec![Value::int(a, 4), Value::int(b, 4)], AggValue::Sum(0));
    let mut v = vec![k(1, 2), k(2, 1)];
    sort_entries(&mut v, &kind, &SortOpts { sortkey: true, sortkeypos: 1, ..SortOpts::default() });
    assert_eq!(v[0].0[0].as_i64(), 2);
}

#[test]
fn joined_printa() {
    // printa(@a, @b): keys, then each aggregation's value; a missing value
    // is zero; sorted by the first aggregation's value (aggsortpos 0).
    let ka = AggKind::Count;
    let kb = AggKind::Sum;
    let a = vec![(vec![Value::str("x")], AggValue::Count(5)), (vec![Value::str("y")], AggValue::Count(1))];
    let b = vec![(vec![Value::str("x")], AggValue::Sum(-3)), (vec![Value::str("z")], AggValue::Sum(9))];
    let aggs = [AggData { kind: &ka, normal: 1, entries: &a }, AggData { kind: &kb, normal: 1, entries: &b }];
    let mut out = Vec::new();
    printa_joined(&mut out, &aggs, &SortOpts::default(), &PrintCtx::default());
    let line = |k: &str, x: i64, y: i64| format!("  {:<50} {:>16} {:>16}\n", k, x, y);
    assert_eq!(s(out), format!("\n{}{}{}", line("z", 0, 9), line("y", 1, 0), line("x", 5, -3)));
    let mut out = Vec::new();
    printa_format_joined(&mut out, b"%s %@d %@d %@d\n".as_slice(), &aggs, &SortOpts { sortpos: 1, ..SortOpts::default() }, &PrintCtx::default());
    assert_eq!(s(out), "x 5 -3 -3\ny 1 0 0\nz 0 9 9\n");
}

struct Syms;
impl Symbolizer for Syms {
    fn user(&self, _pid: u32, addr: u64) -> Option<Symbol> {
        let (name, start) = match addr {
            0x401000..=0x4010ff => ("myfunc_z", 0x401000),
            _ => ("myfunc_y", addr & !0xfff),
        };
        Some(Symbol { module: "ustack-tst-basic".into(), name: Some(name.into()), addr: start })
    }
}

/// test/unittest/aggs/tst.ustack.d/.r (last lines): a key tuple of an int,
/// uaddr(), ufunc(), umod(), usym(), ustack(), an int; the harness's {ptr}
/// stands for the offsets.
#[test]
fn ustack_keys() {
    let ctx = PrintCtx { symbolizer: &Syms, ..PrintCtx::default() };
    let pc = 0x402010;
    let keys = vec![
        Value::int('a' as i64, 4),
        Value::UAddr { pid: 9, addr: pc },
        Value::USym { pid: 9, addr: pc },
        Value::UMod { pid: 9, addr: pc },
        Value::USym { pid: 9, addr: pc },
        Value::UStack { pid: 9, pcs: vec![0x401010, pc, 0] },
        Value::int(4, 4),
    ];
    let mut out = Vec::new();
    print_aggregation_with(&mut out, &[(keys, AggValue::Sum(1234))], &AggKind::Sum, 1, &[], &ctx);
    let want = format!(
        "       97  {:<50}  {:<50}  {:<50}  {:<50}\n              ustack-tst-basic`myfunc_z+0x10\n              ustack-tst-basic`myfunc_y+0x10\n        4             1234\n",
        "ustack-tst-basic`myfunc_y+0x10", "ustack-tst-basic`myfunc_y", "ustack-tst-basic", "ustack-tst-basic`myfunc_y"
    );
    assert_eq!(s(out), want);
}
