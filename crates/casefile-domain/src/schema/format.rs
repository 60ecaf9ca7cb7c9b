//! The string formats of core-type values: calendar dates, date-times (normalised to UTC
//! milliseconds) and http/https URLs.

use chrono::{Datelike, FixedOffset, NaiveDate, TimeZone, Timelike, Utc};

use crate::Invalid;

/// Reads `n` ASCII digits at `*pos`, advancing it.
fn digits(bytes: &[u8], pos: &mut usize, n: usize) -> Option<u32> {
    let slice = bytes.get(*pos..*pos + n)?;
    if !slice.iter().all(u8::is_ascii_digit) {
        return None;
    }
    *pos += n;
    Some(
        slice
            .iter()
            .fold(0, |acc, d| acc * 10 + u32::from(d - b'0')),
    )
}

fn eat(bytes: &[u8], pos: &mut usize, c: u8) -> Option<()> {
    (bytes.get(*pos) == Some(&c)).then(|| *pos += 1)
}

/// `YYYY-MM-DD` at `*pos`, as a calendar date (`None` if malformed, `Some(None)` if no such day).
fn date_part(bytes: &[u8], pos: &mut usize) -> Option<Option<NaiveDate>> {
    let y = digits(bytes, pos, 4)?;
    eat(bytes, pos, b'-')?;
    let m = digits(bytes, pos, 2)?;
    eat(bytes, pos, b'-')?;
    let d = digits(bytes, pos, 2)?;
    Some(
        i32::try_from(y)
            .ok()
            .and_then(|y| NaiveDate::from_ymd_opt(y, m, d)),
    )
}

pub(super) fn check_date(at: &str, s: &str) -> Result<String, Invalid> {
    let bytes = s.as_bytes();
    let mut pos = 0;
    match date_part(bytes, &mut pos) {
        Some(Some(_)) if pos == bytes.len() => Ok(s.to_owned()),
        Some(Some(_)) | None => Err(Invalid::new(at, "must be a date, YYYY-MM-DD")),
        Some(None) => Err(Invalid::new(at, format!("{s:?} is not a calendar date"))),
    }
}

pub(super) fn check_datetime(at: &str, s: &str) -> Result<String, Invalid> {
    let format =
        "must be an ISO-8601 date-time with seconds and an offset, e.g. 2024-05-01T09:30:00.000Z";
    let parsed = parse_datetime(s).ok_or_else(|| Invalid::new(at, format))?;
    let utc = parsed.ok_or_else(|| Invalid::new(at, format!("{s:?} is not a valid instant")))?;
    if !(0..=9999).contains(&utc.year()) {
        return Err(Invalid::new(
            at,
            "must fall within the years 0000 to 9999 in UTC",
        ));
    }
    Ok(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        utc.year(),
        utc.month(),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second(),
        utc.nanosecond() / 1_000_000,
    ))
}

/// `None` if `s` is not of the accepted shape; `Some(None)` if it is but names no instant.
fn parse_datetime(s: &str) -> Option<Option<crate::Timestamp>> {
    let bytes = s.as_bytes();
    let mut pos = 0;
    let date = date_part(bytes, &mut pos)?;
    eat(bytes, &mut pos, b'T')?;
    let h = digits(bytes, &mut pos, 2)?;
    eat(bytes, &mut pos, b':')?;
    let mi = digits(bytes, &mut pos, 2)?;
    eat(bytes, &mut pos, b':')?;
    let sec = digits(bytes, &mut pos, 2)?;
    let mut nanos = 0;
    if eat(bytes, &mut pos, b'.').is_some() {
        let start = pos;
        while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
        let n = pos - start;
        if !(1..=9).contains(&n) {
            return None;
        }
        let mut p = start;
        let frac = digits(bytes, &mut p, n)?;
        nanos = frac * 10u32.pow(9 - n as u32);
    }
    let offset_seconds = match bytes.get(pos) {
        Some(b'Z') => {
            pos += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            let sign = if *sign == b'-' { -1 } else { 1 };
            pos += 1;
            let oh = digits(bytes, &mut pos, 2)?;
            eat(bytes, &mut pos, b':')?;
            let om = digits(bytes, &mut pos, 2)?;
            if oh > 23 || om > 59 {
                return Some(None);
            }
            sign * i32::try_from(oh * 3600 + om * 60).ok()?
        }
        _ => return None,
    };
    if pos != bytes.len() {
        return None;
    }
    // Leap seconds (":60") are refused with the other impossible times.
    let Some(date) = date else { return Some(None) };
    if sec > 59 {
        return Some(None);
    }
    let instant = date
        .and_hms_nano_opt(h, mi, sec, nanos)
        .zip(FixedOffset::east_opt(offset_seconds))
        .and_then(|(local, offset)| offset.from_local_datetime(&local).single())
        .map(|t| t.with_timezone(&Utc));
    Some(instant)
}

pub(super) fn check_url(at: &str, s: &str) -> Result<(), Invalid> {
    let absolute = "must be an absolute http or https URL, e.g. https://example.com/page";
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Invalid::new(
            at,
            "must not contain spaces or control characters",
        ));
    }
    let Some((scheme, rest)) = s.split_once("://") else {
        return Err(Invalid::new(at, absolute));
    };
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return Err(Invalid::new(
            at,
            format!("must use http or https, not {scheme:?}"),
        ));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.strip_prefix('[') {
        Some(v6) => {
            let Some((inside, after)) = v6.split_once(']') else {
                return Err(Invalid::new(at, "has an unclosed [ in its host"));
            };
            if inside.is_empty()
                || !inside
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
            {
                return Err(Invalid::new(at, "has an invalid IPv6 host"));
            }
            match after {
                "" => (inside, None),
                _ => match after.strip_prefix(':') {
                    Some(p) => (inside, Some(p)),
                    None => return Err(Invalid::new(at, "has an invalid host")),
                },
            }
        }
        None => match host_port.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        },
    };
    let host_ok = !host.is_empty()
        && !host.starts_with(['.', '-'])
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.' || c == ':');
    if !host_ok {
        return Err(Invalid::new(
            at,
            "must have a host name, e.g. https://example.com",
        ));
    }
    if let Some(p) = port
        && !p.is_empty()
        && !(p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| n <= 65535))
    {
        return Err(Invalid::new(at, format!("has an invalid port {p:?}")));
    }
    Ok(())
}
