//! `format.rs`: URLs, dates and date-times, through `customFields` validation.

use super::*;

#[test]
fn urls_must_be_absolute_http_or_https() {
    let def = one("site_url", json!({ "maxLength": 200 }));
    for ok in [
        "https://www.test.com",
        "http://example.com/a/b?c=d#e",
        "HTTPS://Example.COM:8443/path",
        "https://user:pw@example.com/",
        "https://[2001:db8::1]:443/x",
        "https://bücher.example/ü",
        "http://localhost",
    ] {
        assert!(set(&def, "site_url", json!(ok)).is_ok(), "{ok}");
    }
    for bad in [
        "ftp://example.com/file",
        "www.example.com",
        "example",
        "mailto:someone@example.com",
        "https://",
        "https:///path",
        "https://exa mple.com",
        "https://example.com/a b",
        "https://example.com:99999/",
        "https://example.com:port/",
        "https://[::1/",
        "javascript://alert(1)",
        "https://-bad.example",
    ] {
        assert!(set(&def, "site_url", json!(bad)).is_err(), "{bad}");
    }
    let long = format!("https://example.com/{}", "p".repeat(181));
    assert_eq!(long.chars().count(), 201);
    assert!(set(&def, "site_url", json!(long)).is_err());
    assert!(set(&def, "site_url", json!(&long[..200])).is_ok());
}

#[test]
fn dates_are_calendar_days() {
    let def = one("due_date", json!({}));
    assert_eq!(
        set(&def, "due_date", json!("2024-02-29")).unwrap(),
        json!("2024-02-29")
    );
    assert!(
        set(&def, "due_date", json!("2023-02-29"))
            .unwrap_err()
            .message
            .contains("calendar")
    );
    for bad in [
        "2024-2-29",
        "2024-02-29T00:00:00Z",
        "29/02/2024",
        "2024-13-01",
        "2024-00-10",
        "20240229",
        " 2024-02-29",
        "2024-02-30",
    ] {
        assert!(set(&def, "due_date", json!(bad)).is_err(), "{bad}");
    }
    assert!(set(&def, "due_date", json!(20240229)).is_err());
}

#[test]
fn datetimes_are_normalised_to_utc_milliseconds() {
    let def = one("seen_datetime", json!({}));
    let cases = [
        ("2021-01-01T00:00:00.000Z", "2021-01-01T00:00:00.000Z"),
        ("2021-01-01T00:00:00Z", "2021-01-01T00:00:00.000Z"),
        ("2024-05-01T09:30:00+02:00", "2024-05-01T07:30:00.000Z"),
        ("2024-05-01T09:30:00.5-05:30", "2024-05-01T15:00:00.500Z"),
        ("2024-12-31T23:30:00-01:00", "2025-01-01T00:30:00.000Z"),
        ("2024-05-01T09:30:00.123456789Z", "2024-05-01T09:30:00.123Z"),
        ("2024-02-29T12:00:00-00:00", "2024-02-29T12:00:00.000Z"),
    ];
    for (given, stored) in cases {
        assert_eq!(
            set(&def, "seen_datetime", json!(given)).unwrap(),
            json!(stored),
            "{given}"
        );
    }
    for bad in [
        "2024-05-01T09:30:00",
        "2024-05-01T09:30Z",
        "2024-05-01 09:30:00Z",
        "2024-05-01T09:30:00.Z",
        "2024-05-01T09:30:00.1234567890Z",
        "2024-05-01T09:30:00+0200",
        "2024-05-01T24:00:00Z",
        "2024-05-01T23:59:60Z",
        "2023-02-29T00:00:00Z",
        "2024-05-01T09:30:00+24:00",
        "2024-05-01",
        "9999-12-31T23:00:00-05:00",
    ] {
        assert!(set(&def, "seen_datetime", json!(bad)).is_err(), "{bad}");
    }
    assert!(set(&def, "seen_datetime", json!(1714555800000_i64)).is_err());
}
