//! What a webhook may name, as plain functions with their unit tests: target URLs
//! (http(s) only, the allow-list, no internal IP literals), the addresses a connection may
//! reach (`is_public`, `may_connect`, applied by `crate::outbound` on every connection) and
//! event types. Apart from the storage so the SSRF rules can be read, and tested, whole.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use url::{Host, Url};

use crate::domain::Error;
use crate::domain::audit::{ChangeAction, ResourceKind};

// Target URLs -------------------------------------------------------------------------

/// One entry of the allow-list: a host name, an IP address, `*.example.vn` (any name
/// below `example.vn`, not `example.vn` itself), or a network such as `10.20.0.0/16`.
#[derive(Debug, Clone, PartialEq)]
pub enum HostPattern {
    Name(String),
    Below(String),
    Ip(IpAddr),
    Network(IpNet),
}

impl HostPattern {
    pub fn parse(text: &str) -> Result<HostPattern, String> {
        let text = text.trim().trim_end_matches('.');
        let bare = text.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return Ok(HostPattern::Ip(ip));
        }
        if let Ok(net) = bare.parse::<IpNet>() {
            // `10.0.0.0/8`, never `10.1.2.3/8`: a typo there would list a whole network.
            if net.network() != net.addr() {
                return Err(format!(
                    "'{text}' is not a network: its address has bits past /{}, did you mean {}?",
                    net.prefix_len(),
                    net.trunc()
                ));
            }
            return Ok(HostPattern::Network(net));
        }
        let (below, name) = match text.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        // The same parsing as target URLs get, so `Hà-Tĩnh.vn` matches its punycode.
        match Host::parse(name) {
            Ok(Host::Domain(d)) if !d.is_empty() && !d.contains('*') && !d.contains('/') => {
                Ok(if below {
                    HostPattern::Below(d)
                } else {
                    HostPattern::Name(d)
                })
            }
            _ => Err(format!(
                "'{text}' is not a host name, an IP address, a network or *.domain"
            )),
        }
    }

    fn matches(&self, host: &Host<&str>) -> bool {
        match (self, host) {
            (HostPattern::Ip(_) | HostPattern::Network(_), Host::Ipv4(v4)) => {
                self.lists_address(IpAddr::V4(*v4))
            }
            (HostPattern::Ip(_) | HostPattern::Network(_), Host::Ipv6(v6)) => {
                self.lists_address(IpAddr::V6(*v6))
            }
            (HostPattern::Name(n), Host::Domain(d)) => d.trim_end_matches('.') == n,
            (HostPattern::Below(n), Host::Domain(d)) => d
                .trim_end_matches('.')
                .strip_suffix(n.as_str())
                .is_some_and(|head| head.len() > 1 && head.ends_with('.')),
            _ => false,
        }
    }

    /// Whether this entry names `ip` itself: an address entry equal to it, or a network
    /// holding it. Compared as written: `127.0.0.1` does not list `::ffff:127.0.0.1`.
    fn lists_address(&self, ip: IpAddr) -> bool {
        match self {
            HostPattern::Ip(listed) => *listed == ip,
            HostPattern::Network(net) => net.contains(&ip),
            HostPattern::Name(_) | HostPattern::Below(_) => false,
        }
    }
}

/// Reads a comma-separated allow-list; an empty one allows nothing.
pub fn parse_allowed_hosts(text: &str) -> Result<Vec<HostPattern>, String> {
    text.split(',')
        .filter(|t| !t.trim().is_empty())
        .map(HostPattern::parse)
        .collect()
}

/// Why a URL is refused, for a 422 on `url`.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

impl From<Refusal> for Error {
    fn from(r: Refusal) -> Self {
        Error::invalid("url", r.code, r.message)
    }
}

fn refuse(code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        code,
        message: message.into(),
    }
}

pub const MAX_URL_LEN: usize = 2000;

/// Checks a webhook target and returns it normalised. Only `http` and `https`, without
/// user name or password (a secret in a URL ends up in logs). With an allow-list, only
/// its hosts. Without one, IP literals that are not public (`is_public`) and `localhost`
/// are refused, so webhooks cannot be pointed at this server's own network (SSRF).
///
/// A DNS name is not resolved here: what it resolves to is checked on every connection
/// (`crate::outbound`), where the answer cannot change between the check and its use.
pub fn check_url(raw: &str, allowed: Option<&[HostPattern]>) -> Result<Url, Refusal> {
    let raw = raw.trim();
    if raw.len() > MAX_URL_LEN {
        return Err(refuse(
            "length",
            format!("must be at most {MAX_URL_LEN} characters"),
        ));
    }
    let url = Url::parse(raw).map_err(|e| refuse("format", format!("is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse("scheme", "must be an http:// or https:// URL"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse(
            "userinfo",
            "must not hold a user name or password; receivers check the signature instead",
        ));
    }
    let host = url.host().ok_or_else(|| refuse("format", "has no host"))?;
    let allowed_here = match allowed {
        Some(patterns) => patterns.iter().any(|p| p.matches(&host)),
        None => !internal(&host),
    };
    if !allowed_here {
        return Err(refuse(
            "host_not_allowed",
            match allowed {
                Some(_) => format!("{host} is not among the hosts webhooks may be sent to"),
                None => format!("{host} is an internal address; webhooks go to public hosts"),
            },
        ));
    }
    Ok(url)
}

fn internal(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => {
            let d = d.trim_end_matches('.');
            d == "localhost" || d.ends_with(".localhost")
        }
        Host::Ipv4(ip) => !is_public(IpAddr::V4(*ip)),
        Host::Ipv6(ip) => !is_public(IpAddr::V6(*ip)),
    }
}

/// Whether a webhook may open a connection to `ip`: a public address always; an internal
/// one only when the allow-list names that address (or a network holding it). A listed
/// *name* lists none of its addresses, so a name the operator trusts cannot be pointed at
/// an internal address by whoever controls its DNS.
pub fn may_connect(ip: IpAddr, allowed: Option<&[HostPattern]>) -> bool {
    is_public(ip) || allowed.is_some_and(|list| list.iter().any(|p| p.lists_address(ip)))
}

/// IPv4 networks that are not the public internet (RFC 6890 and the IANA special-purpose
/// registry), with the reason each is refused.
const NOT_PUBLIC_V4: [(Ipv4Addr, u8, &str); 16] = [
    (
        Ipv4Addr::new(0, 0, 0, 0),
        8,
        "this network; 0.0.0.0 reaches this host",
    ),
    (Ipv4Addr::new(10, 0, 0, 0), 8, "private"),
    (
        Ipv4Addr::new(100, 64, 0, 0),
        10,
        "carrier-grade NAT, a provider's inside",
    ),
    (Ipv4Addr::new(127, 0, 0, 0), 8, "loopback"),
    (
        Ipv4Addr::new(169, 254, 0, 0),
        16,
        "link-local, cloud metadata services",
    ),
    (Ipv4Addr::new(172, 16, 0, 0), 12, "private"),
    (Ipv4Addr::new(192, 0, 0, 0), 24, "IETF protocol assignments"),
    (Ipv4Addr::new(192, 0, 2, 0), 24, "documentation"),
    (Ipv4Addr::new(192, 88, 99, 0), 24, "6to4 relays, deprecated"),
    (Ipv4Addr::new(192, 168, 0, 0), 16, "private"),
    (
        Ipv4Addr::new(198, 18, 0, 0),
        15,
        "benchmarking, lab networks",
    ),
    (Ipv4Addr::new(198, 51, 100, 0), 24, "documentation"),
    (Ipv4Addr::new(203, 0, 113, 0), 24, "documentation"),
    (Ipv4Addr::new(224, 0, 0, 0), 4, "multicast"),
    (Ipv4Addr::new(240, 0, 0, 0), 4, "reserved"),
    (Ipv4Addr::new(255, 255, 255, 255), 32, "broadcast"),
];

/// IPv6 networks inside global unicast (2000::/3) that are not the public internet.
const NOT_PUBLIC_V6: [(Ipv6Addr, u8, &str); 3] = [
    // Teredo (2001::/32), benchmarking (2001:2::/48), ORCHID and other protocol space.
    (
        Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0),
        23,
        "IETF protocol assignments",
    ),
    (
        Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0),
        32,
        "documentation",
    ),
    (
        Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0),
        20,
        "documentation",
    ),
];

/// Whether `ip` is an address of the public internet, which webhooks may reach without
/// being listed. Everything else (loopback, private, link-local, carrier-grade NAT,
/// reserved, multicast, documentation and benchmarking ranges) could be this server's own
/// network, so a webhook there would let an admin's URL probe or reach it (SSRF).
///
/// IPv6 is public only inside global unicast (2000::/3): unique-local, site-local,
/// link-local, multicast, IPv4-compatible and the discard prefix all lie outside it.
/// Addresses that carry an IPv4 address are judged by it: IPv4-mapped (`::ffff:a.b.c.d`,
/// which a dual-stack socket connects to as that IPv4 address), NAT64 (64:ff9b::/96, which
/// a DNS64 resolver hands out for every IPv4-only name) and 6to4 (2002::/16).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => !NOT_PUBLIC_V4
            .iter()
            .any(|(net, len, _)| prefix_v4(v4, *len) == prefix_v4(*net, *len)),
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            // NAT64's well-known prefix: the IPv4 address is the last 32 bits.
            if bits >> 32 == 0x0064_ff9b_0000_0000_0000_0000 {
                return is_public(IpAddr::V4(Ipv4Addr::from(bits as u32)));
            }
            // 6to4: the IPv4 address follows the 16-bit prefix.
            if bits >> 112 == 0x2002 {
                return is_public(IpAddr::V4(Ipv4Addr::from((bits >> 80) as u32)));
            }
            let global_unicast = bits >> 125 == 0b001;
            global_unicast
                && !NOT_PUBLIC_V6
                    .iter()
                    .any(|(net, len, _)| prefix_v6(v6, *len) == prefix_v6(*net, *len))
        }
    }
}

fn prefix_v4(ip: Ipv4Addr, len: u8) -> u32 {
    u32::from(ip).checked_shr(32 - u32::from(len)).unwrap_or(0)
}

fn prefix_v6(ip: Ipv6Addr, len: u8) -> u128 {
    u128::from(ip)
        .checked_shr(128 - u32::from(len))
        .unwrap_or(0)
}

// Event types -------------------------------------------------------------------------

/// The actions of the change feed.
fn actions() -> impl Iterator<Item = &'static str> {
    ChangeAction::ALL.into_iter().map(ChangeAction::as_str)
}
/// The event a ping sends; delivered whatever the subscription's event types.
pub const PING: &str = "ping";
pub const MAX_EVENT_TYPES: usize = 50;

/// The event type of a feed change: `evidence.created`.
pub fn event_type(resource_type: &str, action: &str) -> String {
    format!("{resource_type}.{action}")
}

/// Checks the event types of a subscription: `*`, `{resource_type}.*` or
/// `{resource_type}.{action}`, with a resource type the feed names
/// (`ResourceKind::feed_types`: a misspelt one would be accepted and never fire). Returns
/// them trimmed and without repeats, or the index and the reason of the first bad one.
pub fn check_event_types(items: &[String]) -> Result<Vec<String>, (usize, String)> {
    if items.is_empty() || items.len() > MAX_EVENT_TYPES {
        return Err((
            0,
            format!("list 1 to {MAX_EVENT_TYPES} event types, such as org_unit.* or *"),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item = item.trim();
        let valid = item == "*"
            || item.split_once('.').is_some_and(|(resource, action)| {
                ResourceKind::feed_types().any(|known| known == resource)
                    && (action == "*" || actions().any(|known| known == action))
            });
        if !valid {
            return Err((
                i,
                format!(
                    "'{item}' is not an event type: use *, resource.* or resource.action \
                     with an action of {} and a resource of {}",
                    actions().collect::<Vec<_>>().join(", "),
                    ResourceKind::feed_types().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        if !out.iter().any(|o| o == item) {
            out.push(item.to_string());
        }
    }
    Ok(out)
}

/// Whether a subscription with these patterns wants this event type.
pub fn wants(patterns: &[String], event_type: &str) -> bool {
    patterns.iter().any(|p| {
        p == "*"
            || p == event_type
            || p.strip_suffix('*')
                .is_some_and(|prefix| prefix.ends_with('.') && event_type.starts_with(prefix))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allow(list: &str) -> Vec<HostPattern> {
        parse_allowed_hosts(list).unwrap()
    }

    fn code(url: &str, allowed: Option<&[HostPattern]>) -> &'static str {
        check_url(url, allowed)
            .map(|_| "ok")
            .unwrap_or_else(|r| r.code)
    }

    #[test]
    fn only_http_and_https_without_credentials() {
        assert_eq!(code("https://hooks.example.vn/thidua", None), "ok");
        assert_eq!(code("http://hooks.example.vn:8080/x?y=1", None), "ok");
        assert_eq!(code("ftp://hooks.example.vn/", None), "scheme");
        assert_eq!(code("file:///etc/passwd", None), "scheme");
        assert_eq!(code("javascript:alert(1)", None), "scheme");
        assert_eq!(code("hooks.example.vn/x", None), "format");
        assert_eq!(code("https://", None), "format");
        assert_eq!(code("https://user:pw@hooks.example.vn/", None), "userinfo");
        assert_eq!(code("https://user@hooks.example.vn/", None), "userinfo");
        let long = format!("https://hooks.example.vn/{}", "a".repeat(MAX_URL_LEN));
        assert_eq!(code(&long, None), "length");
        // Stored normalised.
        assert_eq!(
            check_url(" HTTPS://Hooks.Example.VN/a ", None)
                .unwrap()
                .as_str(),
            "https://hooks.example.vn/a"
        );
    }

    #[test]
    fn internal_addresses_are_refused_without_an_allow_list() {
        for url in [
            "http://127.0.0.1/",
            "http://127.8.9.10:9000/",
            "http://10.0.0.1/",
            "http://172.16.5.4/",
            "http://192.168.1.1/",
            "http://169.254.169.254/latest/meta-data",
            "http://0.0.0.0/",
            "http://100.64.0.1/",
            "http://198.18.0.1/",
            "http://240.0.0.1/",
            "http://255.255.255.255/",
            "http://[64:ff9b::7f00:1]/",
            "http://[2002:7f00:1::1]/",
            "http://[2001::1]/",
            "http://[::1]/",
            "http://[::]/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:10.1.2.3]/",
            "http://localhost:8080/",
            "http://LOCALHOST./",
            "http://api.localhost/",
            // Browsers' number forms of 127.0.0.1, which the URL parser reads as such.
            "http://2130706433/",
            "http://0x7f.1/",
        ] {
            assert_eq!(code(url, None), "host_not_allowed", "{url}");
        }
        for url in [
            "https://8.8.8.8/",
            "https://[2001:4860:4860::8888]/",
            "https://dichvucong.gov.vn/hook",
            "https://172.32.0.1/",
        ] {
            assert_eq!(code(url, None), "ok", "{url}");
        }
    }

    #[test]
    fn an_allow_list_admits_only_its_hosts() {
        let list = allow("127.0.0.1, hooks.example.vn, *.tinh.gov.vn, [::1]");
        let list = Some(list.as_slice());
        assert_eq!(code("http://127.0.0.1:5000/hook", list), "ok");
        assert_eq!(code("http://[::1]/", list), "ok");
        assert_eq!(code("https://HOOKS.example.vn/", list), "ok");
        assert_eq!(code("https://a.tinh.gov.vn/", list), "ok");
        assert_eq!(code("https://b.a.tinh.gov.vn./", list), "ok");
        assert_eq!(code("https://tinh.gov.vn/", list), "host_not_allowed");
        assert_eq!(code("https://xtinh.gov.vn/", list), "host_not_allowed");
        assert_eq!(code("http://10.0.0.1/", list), "host_not_allowed");
        assert_eq!(code("http://127.0.0.2/", list), "host_not_allowed");
        assert_eq!(code("https://other.example.vn/", list), "host_not_allowed");
        // The scheme rule holds whatever the list.
        assert_eq!(code("ftp://127.0.0.1/", list), "scheme");
        // An empty list allows nothing.
        let none = allow(" , ");
        assert_eq!(
            code("https://hooks.example.vn/", Some(&none)),
            "host_not_allowed"
        );
        assert!(parse_allowed_hosts("*.").is_err());
        assert!(parse_allowed_hosts("a b").is_err());
        assert!(parse_allowed_hosts("*.*.vn").is_err());
    }

    /// Every range `is_public` refuses, at its edges, and public addresses beside them.
    #[test]
    fn public_addresses_are_told_from_internal_ones() {
        let internal = [
            "0.0.0.0",
            "0.255.255.255",
            "10.0.0.1",
            "10.255.255.255",
            "100.64.0.1",
            "100.127.255.255",
            "127.0.0.1",
            "127.255.255.254",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.88.99.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "254.255.255.255",
            "255.255.255.255",
            "::",
            "::1",
            // IPv4-compatible (deprecated) and IPv4-mapped, judged by their IPv4 address.
            "::127.0.0.1",
            "::8.8.8.8",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "::ffff:0:127.0.0.1",
            // NAT64: the well-known prefix judged by its IPv4 address, the local-use one refused.
            "64:ff9b::127.0.0.1",
            "64:ff9b::a00:1",
            "64:ff9b:1::808:808",
            "100::1",
            "2001::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "2001:2::1",
            "2001:1ff:ffff::1",
            "2001:db8::1",
            "3fff::1",
            // 6to4, judged by its IPv4 address.
            "2002:7f00:1::1",
            "2002:a00:1::1",
            "2002:c0a8:101::1",
            "5f00::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "ff02::1",
            "ff0e::1",
        ];
        for ip in internal {
            assert!(!is_public(ip.parse().unwrap()), "{ip} is internal");
        }
        let public = [
            "1.1.1.1",
            "8.8.8.8",
            "9.255.255.255",
            "11.0.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "126.255.255.255",
            "128.0.0.1",
            "169.253.255.255",
            "172.15.255.255",
            "172.32.0.1",
            "192.0.1.1",
            "192.167.255.255",
            "192.169.0.1",
            "198.17.255.255",
            "198.20.0.1",
            "223.255.255.255",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "2001:200::1",
            "2001:4860:4860::8888",
            "2404:6800:4005:80a::200e",
            "2a00:1450:4001::1",
            "3ffe:ffff::1",
        ];
        for ip in public {
            assert!(is_public(ip.parse().unwrap()), "{ip} is public");
        }
    }

    /// An internal address is reached only when the allow-list names it; a listed name
    /// lists none of its addresses.
    #[test]
    fn connections_to_internal_addresses_need_the_address_listed() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let list = allow("hooks.tinh.gov.vn, 127.0.0.1, 10.20.0.0/16, fd00:1::/32");
        let list = Some(list.as_slice());
        for (address, allowed, expected) in [
            ("8.8.8.8", None, true),
            ("127.0.0.1", None, false),
            ("8.8.8.8", list, true),
            ("127.0.0.1", list, true),
            ("127.0.0.2", list, false),
            ("::ffff:127.0.0.1", list, false),
            ("10.20.3.4", list, true),
            ("10.21.0.1", list, false),
            ("fd00:1:2::3", list, true),
            ("fd00:2::3", list, false),
            ("169.254.169.254", list, false),
        ] {
            assert_eq!(may_connect(ip(address), allowed), expected, "{address}");
        }
        let names_only = allow("hooks.tinh.gov.vn, *.tinh.gov.vn");
        assert!(!may_connect(ip("127.0.0.1"), Some(&names_only)));
        assert!(may_connect(ip("203.162.4.190"), Some(&names_only)));
    }

    #[test]
    fn an_allow_list_may_hold_networks() {
        let list = allow("10.20.0.0/16, fd00::/8");
        let list = Some(list.as_slice());
        assert_eq!(code("http://10.20.1.2:8080/hook", list), "ok");
        assert_eq!(code("http://[fd00::5]/hook", list), "ok");
        assert_eq!(code("http://10.21.0.1/hook", list), "host_not_allowed");
        assert_eq!(code("http://hooks.example.vn/", list), "host_not_allowed");
        // A network written with host bits is a typo, not a network.
        let err = parse_allowed_hosts("10.20.0.1/16").unwrap_err();
        assert!(err.contains("10.20.0.0/16"), "{err}");
        assert!(parse_allowed_hosts("10.0.0.0/33").is_err());
    }

    #[test]
    fn event_types_and_wildcards() {
        let types =
            |v: &[&str]| check_event_types(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            types(&["org_unit.*", " evidence.created", "org_unit.*"]).unwrap(),
            ["org_unit.*", "evidence.created"]
        );
        assert!(types(&["*"]).is_ok());
        assert_eq!(types(&[]).unwrap_err().0, 0);
        assert_eq!(types(&["plan.created", "org-unit.*"]).unwrap_err().0, 1);
        for bad in [
            "evidence",
            "evidence.deleted",
            "*.created",
            "Evidence.created",
            "ping",
            "evidence.*.x",
            ".created",
            "evidance.created",
            "session.created",
            "learning_records.*",
        ] {
            assert!(types(&[bad]).is_err(), "{bad}");
        }
        let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(wants(&p(&["*"]), "evidence.created"));
        assert!(wants(&p(&["evidence.*"]), "evidence.archived"));
        assert!(!wants(&p(&["evidence.*"]), "evidence_history.created"));
        assert!(wants(&p(&["plan.updated"]), "plan.updated"));
        assert!(!wants(&p(&["plan.updated"]), "plan.created"));
        assert_eq!(event_type("org_unit", "created"), "org_unit.created");
    }
}
