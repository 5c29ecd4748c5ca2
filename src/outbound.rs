//! Connections the service opens to other hosts: webhook deliveries.
//!
//! A webhook's URL is checked when it is saved (`webhooks::check_url`), but a DNS name may
//! resolve to another address by the time a delivery connects, and again at the next one
//! (DNS rebinding). So the connection itself is guarded: [`GuardedConnector`] resolves the
//! name, keeps only the addresses `webhooks::may_connect` admits, and hands the TCP
//! connector those addresses and nothing else. The address checked is the address
//! connected to, on every new connection (awc keeps an open one for a while, to the address
//! it was checked for). awc does the TLS on top, with the URL's host name for SNI and for
//! verifying the certificate, as before.
//!
//! Why a delivery failed stays in the server log: what an admin reads
//! (`webhooks::UNDELIVERED`) is the same for a refused port, a silent one, a failed
//! handshake, an unknown name and an internal address, so webhooks cannot be used to map
//! the network the server stands in.

use std::fmt;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use actix_tls::connect::tcp::TcpConnectorService;
use actix_tls::connect::{ConnectError, ConnectInfo, Connection};
use actix_web::dev::{Service, always_ready};
use actix_web::http::header;
use actix_web::rt::net::TcpStream;
use awc::http::Uri;
use url::Host;

use crate::domain::webhooks::{self, Settings, TIMEOUT};
use crate::error::ApiError;

// Resolving names ---------------------------------------------------------------------

/// Turns a host name into IP addresses. Blocking: it is called on the blocking pool.
pub trait Resolve: Send + Sync {
    fn lookup(&self, host: &str) -> io::Result<Vec<IpAddr>>;
}

impl<F> Resolve for F
where
    F: Fn(&str) -> io::Result<Vec<IpAddr>> + Send + Sync,
{
    fn lookup(&self, host: &str) -> io::Result<Vec<IpAddr>> {
        self(host)
    }
}

/// Where webhook host names are resolved. Every answer, whoever gives it, passes
/// `webhooks::may_connect` before a connection is made.
#[derive(Clone, Default)]
pub enum Resolver {
    /// The system's resolver (`getaddrinfo`: /etc/hosts, then DNS).
    #[default]
    System,
    /// A resolver given in code: the tests point names at their receivers with it.
    Custom(Arc<dyn Resolve>),
}

impl Resolver {
    pub fn custom(resolve: impl Resolve + 'static) -> Resolver {
        Resolver::Custom(Arc::new(resolve))
    }

    /// Looks `host` up now, on the blocking pool (the system's lookup can take seconds).
    pub async fn lookup(&self, host: &str) -> io::Result<Vec<IpAddr>> {
        let (resolver, host) = (self.clone(), host.to_string());
        actix_web::rt::task::spawn_blocking(move || match &resolver {
            Resolver::System => Ok((host.as_str(), 0)
                .to_socket_addrs()?
                .map(|a| a.ip())
                .collect()),
            Resolver::Custom(r) => r.lookup(&host),
        })
        .await
        .map_err(io::Error::other)?
    }
}

impl fmt::Debug for Resolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Resolver::System => "System",
            Resolver::Custom(_) => "Custom",
        })
    }
}

impl PartialEq for Resolver {
    fn eq(&self, other: &Resolver) -> bool {
        match (self, other) {
            (Resolver::System, Resolver::System) => true,
            (Resolver::Custom(a), Resolver::Custom(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

// The addresses a webhook may connect to ----------------------------------------------

/// Why no connection was made. For the server log: admins see `webhooks::UNDELIVERED`.
#[derive(Debug)]
pub enum Blocked {
    /// The name did not resolve.
    Unresolved(io::Error),
    /// It resolved to nothing.
    NoAddress,
    /// Every address it resolved to is internal and not on the allow-list.
    Internal(Vec<IpAddr>),
}

impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Blocked::Unresolved(e) => write!(f, "cannot resolve the name: {e}"),
            Blocked::NoAddress => f.write_str("the name has no address"),
            Blocked::Internal(ips) => write!(
                f,
                "refused: {} internal and not on THIDUA_WEBHOOK_ALLOWED_HOSTS",
                ips.iter()
                    .map(IpAddr::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

impl std::error::Error for Blocked {}

/// The addresses of `host` (a name, or an IP literal with or without brackets) that a
/// webhook may connect to, looked up now. Internal addresses among public ones are dropped
/// (logged); a name with nothing but internal addresses is refused.
pub async fn allowed_addresses(
    host: &str,
    settings: &Settings,
    resolver: &Resolver,
) -> Result<Vec<IpAddr>, Blocked> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let found = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => resolver.lookup(bare).await.map_err(Blocked::Unresolved)?,
    };
    if found.is_empty() {
        return Err(Blocked::NoAddress);
    }
    let allowed = settings.allowed_hosts.as_deref();
    let (admitted, refused): (Vec<IpAddr>, Vec<IpAddr>) = found
        .into_iter()
        .partition(|ip| webhooks::may_connect(*ip, allowed));
    if admitted.is_empty() {
        return Err(Blocked::Internal(refused));
    }
    if !refused.is_empty() {
        log::warn!(
            "webhook target {host}: {}; connecting to the others",
            Blocked::Internal(refused)
        );
    }
    Ok(admitted)
}

/// How long a webhook's save waits for DNS before leaving the check to the connection.
const EARLY_LOOKUP: Duration = Duration::from_secs(3);

/// Refuses, when a webhook is saved, a URL whose host name resolves now to internal
/// addresses only: a clear 422 on `url` instead of deliveries that fail later. A name that
/// does not resolve (yet) is accepted; the connection is the real guard in any case, since
/// the answer may differ at delivery time.
pub async fn refuse_internal_name(
    url: &str,
    settings: &Settings,
    resolver: &Resolver,
) -> Result<(), ApiError> {
    // A URL the rules refuse is answered by them, with the other fields.
    let Ok(url) = webhooks::check_url(url, settings.allowed_hosts.as_deref()) else {
        return Ok(());
    };
    let Some(Host::Domain(name)) = url.host() else {
        return Ok(());
    };
    let looked_up =
        actix_web::rt::time::timeout(EARLY_LOOKUP, allowed_addresses(name, settings, resolver))
            .await;
    match looked_up {
        Ok(Err(Blocked::Internal(_))) => Err(ApiError::invalid(
            "url",
            "host_not_allowed",
            format!(
                "{name} resolves to an internal address; webhooks go to public hosts \
                 (an internal address is reached only when THIDUA_WEBHOOK_ALLOWED_HOSTS lists it)"
            ),
        )),
        _ => Ok(()),
    }
}

// The HTTP client ---------------------------------------------------------------------

/// awc's TCP step for webhooks: resolve, keep the admitted addresses, connect to one of
/// them. TLS, when the URL is https, is done by awc on the connection this returns.
#[derive(Clone)]
pub struct GuardedConnector {
    settings: Rc<Settings>,
    resolver: Resolver,
}

impl Service<ConnectInfo<Uri>> for GuardedConnector {
    type Response = Connection<Uri, TcpStream>;
    type Error = ConnectError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>>>>;

    always_ready!();

    fn call(&self, req: ConnectInfo<Uri>) -> Self::Future {
        let (settings, resolver) = (self.settings.clone(), self.resolver.clone());
        Box::pin(async move {
            let host = req.hostname().to_string();
            let port = req.port();
            let admitted = allowed_addresses(&host, &settings, &resolver)
                .await
                .map_err(|blocked| match blocked {
                    Blocked::Unresolved(e) => ConnectError::Resolver(Box::new(e)),
                    Blocked::NoAddress => ConnectError::NoRecords,
                    Blocked::Internal(_) => ConnectError::Io(io::Error::new(
                        io::ErrorKind::PermissionDenied,
                        format!("{host}: {blocked}"),
                    )),
                })?;
            // Only the admitted addresses: the connector tries them in order and resolves
            // nothing itself.
            let req = req.set_addrs(admitted.into_iter().map(|ip| SocketAddr::new(ip, port)));
            TcpConnectorService::default().call(req).await
        })
    }
}

/// The HTTP client of webhooks: it connects only where `GuardedConnector` admits, never
/// follows a redirect (a receiver could otherwise send us anywhere the URL rules refuse),
/// and gives up after `TIMEOUT`. TLS through the system's OpenSSL and its trusted
/// certificates.
pub fn http_client(settings: &Settings, resolver: &Resolver) -> awc::Client {
    let connector = awc::Connector::new().connector(GuardedConnector {
        settings: Rc::new(settings.clone()),
        resolver: resolver.clone(),
    });
    awc::Client::builder()
        .connector(connector)
        .disable_redirects()
        .timeout(TIMEOUT)
        .add_default_header((
            header::USER_AGENT,
            concat!("thidua-webhooks/", env!("CARGO_PKG_VERSION")),
        ))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::webhooks::parse_allowed_hosts;

    fn settings(allowed: Option<&str>, answers: &'static [&'static str]) -> (Settings, Resolver) {
        let settings = Settings {
            allowed_hosts: allowed.map(|a| parse_allowed_hosts(a).unwrap()),
            ..Settings::default()
        };
        let resolver = Resolver::custom(move |_: &str| {
            Ok(answers.iter().map(|a| a.parse().unwrap()).collect())
        });
        (settings, resolver)
    }

    fn ips(list: &[&str]) -> Vec<IpAddr> {
        list.iter().map(|a| a.parse().unwrap()).collect()
    }

    #[actix_web::test]
    async fn only_admitted_addresses_are_connected_to() {
        let open = settings(None, &["10.0.0.5", "8.8.8.8", "::1", "2001:4860::8888"]);
        // Internal answers among public ones are dropped, the public ones kept in order.
        let got = allowed_addresses("hooks.example.vn", &open.0, &open.1)
            .await
            .unwrap();
        assert_eq!(got, ips(&["8.8.8.8", "2001:4860::8888"]));
        // IP literals, bracketed as a URI writes them, are judged without a lookup.
        for literal in [
            "[::1]",
            "[::ffff:127.0.0.1]",
            "127.0.0.1",
            "[64:ff9b::a00:1]",
        ] {
            let refused = allowed_addresses(literal, &open.0, &open.1).await;
            assert!(matches!(refused, Err(Blocked::Internal(_))), "{literal}");
        }
        assert_eq!(
            allowed_addresses("[2001:4860::8888]", &open.0, &open.1)
                .await
                .unwrap(),
            ips(&["2001:4860::8888"])
        );
        // Nothing but internal answers: refused, naming them for the log.
        let internal = settings(None, &["127.0.0.1", "::1"]);
        let refused = allowed_addresses("vm", &internal.0, &internal.1)
            .await
            .unwrap_err();
        assert_eq!(
            refused.to_string(),
            "refused: 127.0.0.1, ::1 internal and not on THIDUA_WEBHOOK_ALLOWED_HOSTS"
        );
        // Listing the name admits none of its internal addresses; listing the address does.
        let by_name = settings(Some("vm"), &["127.0.0.1"]);
        assert!(
            allowed_addresses("vm", &by_name.0, &by_name.1)
                .await
                .is_err()
        );
        let by_address = settings(Some("vm, 127.0.0.0/8"), &["127.0.0.1"]);
        assert_eq!(
            allowed_addresses("vm", &by_address.0, &by_address.1)
                .await
                .unwrap(),
            ips(&["127.0.0.1"])
        );
        let nothing = settings(None, &[]);
        assert!(matches!(
            allowed_addresses("gone.example.vn", &nothing.0, &nothing.1).await,
            Err(Blocked::NoAddress)
        ));
    }
}
