//! The simulated router's menus over real TCP: print with `.proplist`, every query form,
//! `count-only`, `!empty`, add/set/remove/enable/disable/get round trips, traps, RouterOS 6
//! mode, non-UTF-8 values and generated scale.

mod sim_support;

use routeros::sim::SimConfig;
use sim_support::*;

#[tokio::test]
async fn proplist_keeps_router_order_and_omits_absent_fields() {
    let sim = start(SimConfig::default()).await;
    let mut c = logged_in(&sim).await;
    let r = c
        .call(&["/interface/print", "=.proplist=comment,name,.id"])
        .await;
    let first = rows(&r)[0];
    assert_eq!(
        first[1..],
        ["=.id=*1", "=name=ether1", "=comment=WAN - ISP fiber ONT"]
    );
    let no_comment = rows(&r)
        .into_iter()
        .find(|s| attr(s, "name") == Some("ether3"))
        .unwrap();
    assert_eq!(no_comment.len(), 3, "{no_comment:?}");
    // Without .id in the list there is no .id.
    let r = c.call(&["/ip/address/print", "=.proplist=address"]).await;
    assert!(rows(&r).iter().all(|s| s.len() == 2));
    let full = c.call(&["/ip/address/print"]).await;
    assert!(rows(&full)[0][1].starts_with("=.id=*"));
}

#[tokio::test]
async fn every_query_form() {
    let sim = start(SimConfig::default()).await;
    let mut c = logged_in(&sim).await;
    let names = |r: &[Sentence]| column(r, "name");
    let ethers = names(&c.call(&["/interface/print", "?type=ether"]).await);
    assert_eq!(ethers.len(), 9);
    let r = c
        .call(&["/interface/print", "?type=ether", "?type=vlan", "?#|"])
        .await;
    assert_eq!(names(&r).len(), 11);
    let r = c
        .call(&["/interface/print", "?type=ether", "?type=vlan", "?#|!"])
        .await;
    assert_eq!(names(&r), vec!["bridge", "wifi1", "wifi2"]);
    let r = c.call(&["/interface/print", "?type=ether", "?#!"]).await;
    assert_eq!(names(&r).len(), 5);
    let r = c.call(&["/interface/print", "?comment"]).await;
    assert!(
        names(&r).contains(&"ether1".to_string()) && !names(&r).contains(&"ether3".to_string())
    );
    let r = c.call(&["/interface/print", "?-comment"]).await;
    assert!(
        names(&r).contains(&"ether3".to_string()) && !names(&r).contains(&"ether1".to_string())
    );
    let r = c.call(&["/interface/print", "?>l2mtu=1514"]).await;
    assert_eq!(names(&r), vec!["wifi1", "wifi2"]);
    let r = c.call(&["/interface/print", "?<l2mtu=1514"]).await;
    assert_eq!(names(&r), vec!["vlan10", "vlan20"]);
    let r = c
        .call(&["/interface/print", "?=name=ether2", "?running=yes", "?#&"])
        .await;
    assert_eq!(names(&r), vec!["ether2"]);
    let r = c
        .call(&[
            "/ip/route/print",
            "?dst-address=0.0.0.0/0",
            "?static=true",
            "?#&",
        ])
        .await;
    assert_eq!(rows(&r).len(), 1);
    let r = c.call(&["/interface/print", "?#y"]).await;
    assert_eq!(r[0][0], "!trap");
}

#[tokio::test]
async fn count_only_and_empty_replies() {
    let sim = start(SimConfig::default()).await;
    let mut c = logged_in(&sim).await;
    let r = c
        .call(&["/ip/dhcp-server/lease/print", "=count-only="])
        .await;
    assert_eq!(r, vec![vec!["!done", "=ret=20"]]);
    let r = c
        .call(&["/ip/route/print", "=.proplist=.id", "?=comment=test"])
        .await;
    assert_eq!(r, vec![vec!["!empty"], vec!["!done"]]);
    c.send(&["/ip/route/print", "?=comment=test", ".tag=5"])
        .await;
    assert_eq!(c.read().await.unwrap(), vec!["!empty", ".tag=5"]);
    let old = start(SimConfig {
        send_empty: false,
        ..SimConfig::default()
    })
    .await;
    let mut c = logged_in(&old).await;
    assert_eq!(
        c.call(&["/ip/route/print", "?=comment=test"]).await,
        vec![vec!["!done"]]
    );
}

#[tokio::test]
async fn add_set_disable_enable_remove_round_trip() {
    let sim = start(SimConfig::default()).await;
    let mut c = logged_in(&sim).await;
    let r = c
        .call(&[
            "/ip/address/add",
            "=address=192.168.77.1/24",
            "=interface=ether5",
            "=comment=lab",
        ])
        .await;
    assert_eq!(r.len(), 1);
    let id = attr(&r[0], "ret").unwrap().to_string();
    assert!(id.starts_with('*'));
    // Another connection sees it.
    let mut other = logged_in(&sim).await;
    let r = other
        .call(&["/ip/address/print", &format!("?.id={id}")])
        .await;
    let row = rows(&r)[0].clone();
    assert_eq!(attr(&row, "network"), Some("192.168.77.0"));
    assert_eq!(attr(&row, "disabled"), Some("false"));
    assert_eq!(
        c.call(&["/ip/address/set", &format!("=.id={id}"), "=comment=lab2"])
            .await,
        vec![vec!["!done"]]
    );
    assert_eq!(
        c.call(&["/ip/address/disable", &format!("=numbers={id}")])
            .await,
        vec![vec!["!done"]]
    );
    let r = c
        .call(&[
            "/ip/address/get",
            &format!("=.id={id}"),
            "=value-name=disabled",
        ])
        .await;
    assert_eq!(r, vec![vec!["!done", "=ret=true"]]);
    let r = c
        .call(&[
            "/ip/address/get",
            &format!("=.id={id}"),
            "=value-name=comment",
        ])
        .await;
    assert_eq!(attr(&r[0], "ret"), Some("lab2"));
    c.call(&["/ip/address/enable", &format!("=.id={id}")]).await;
    let r = c
        .call(&[
            "/ip/address/print",
            "?comment=lab2",
            "?disabled=false",
            "?#&",
        ])
        .await;
    assert_eq!(rows(&r).len(), 1);
    assert_eq!(
        c.call(&["/ip/address/remove", &format!("=.id={id}")]).await,
        vec![vec!["!done"]]
    );
    let r = c.call(&["/ip/address/print", "=count-only="]).await;
    assert_eq!(attr(&r[0], "ret"), Some("4"));
    // Singletons set without an id.
    c.call(&["/system/identity/set", "=name=renamed"]).await;
    let r = c.call(&["/system/identity/get", "=value-name=name"]).await;
    assert_eq!(attr(&r[0], "ret"), Some("renamed"));
    // Comma lists and names as ids.
    c.call(&["/interface/disable", "=numbers=ether6,ether7"])
        .await;
    let r = c.call(&["/interface/print", "?disabled=true"]).await;
    assert_eq!(column(&r, "name"), vec!["ether6", "ether7"]);
}

#[tokio::test]
async fn traps_with_categories() {
    let sim = start(SimConfig::default()).await;
    let mut c = logged_in(&sim).await;
    let r = c.call(&["/ip/adress/print"]).await;
    assert_eq!(
        r,
        vec![
            vec![
                "!trap",
                "=category=0",
                "=message=no such command or directory (adress)"
            ],
            vec!["!done"]
        ]
    );
    let r = c.call(&["/ip/address/frobnicate"]).await;
    assert_eq!(attr(&r[0], "category"), Some("0"));
    let r = c
        .call(&[
            "/ip/address/add",
            "=address=192.168.88.1",
            "=interface=asdf",
        ])
        .await;
    assert_eq!(
        r[0],
        vec![
            "!trap",
            "=category=1",
            "=message=input does not match any value of interface"
        ]
    );
    assert_eq!(r[1], vec!["!done"]);
    let r = c
        .call(&[
            "/ip/address/add",
            "=address=10.1.1.1/24",
            "=interface=ether3",
            "=bogus=1",
        ])
        .await;
    assert_eq!(
        r[0],
        vec!["!trap", "=category=1", "=message=unknown parameter bogus"]
    );
    let r = c.call(&["/ip/address/print", "=bogus="]).await;
    assert_eq!(attr(&r[0], "message"), Some("unknown parameter bogus"));
    let r = c.call(&["/ip/address/remove", "=.id=*999"]).await;
    assert_eq!(
        r,
        vec![vec!["!trap", "=message=no such item"], vec!["!done"]]
    );
    let r = c.call(&["/ip/address/add", "=interface=ether3"]).await;
    assert!(attr(&r[0], "message").unwrap().contains("address"));
}

#[tokio::test]
async fn values_are_wire_strings_and_bytes_survive() {
    let sim = start(SimConfig::default()).await;
    let mut c = logged_in(&sim).await;
    let r = c.call(&["/system/resource/print"]).await;
    let row = rows(&r)[0];
    assert_eq!(attr(row, "version"), Some("7.20.6 (stable)"));
    assert_eq!(attr(row, "board-name"), Some("RB5009UG+S+"));
    assert!(attr(row, "uptime").unwrap().contains('w'));
    c.send(&[
        "/ip/dhcp-server/lease/print",
        "=.proplist=comment",
        "?comment",
    ])
    .await;
    let mut found = false;
    while let Some(s) = c.read_raw().await {
        if s[0].as_ref() == b"!done" {
            break;
        }
        found |= s
            .iter()
            .any(|w| w.as_ref() == b"=comment=K\xfcche Thermostat");
    }
    assert!(found, "the Windows-1252 comment arrives as raw bytes");
    // A client may write non-UTF-8 too.
    c.send_raw(&[
        b"/ip/dns/static/add",
        b"=name=caf\xe9.lan",
        b"=address=192.168.88.9",
    ])
    .await;
    assert_eq!(c.read().await.unwrap()[0], "!done");
}

#[tokio::test]
async fn ros6_mode() {
    let sim = start(SimConfig {
        ros6: true,
        ..SimConfig::default()
    })
    .await;
    let mut c = logged_in(&sim).await;
    let r = c
        .call(&["/interface/wireless/registration-table/print"])
        .await;
    assert_eq!(column(&r, "interface"), vec!["wlan1", "wlan2"]);
    let r = c.call(&["/interface/wifi/print"]).await;
    assert_eq!(
        r[0],
        vec![
            "!trap",
            "=category=0",
            "=message=no such command or directory (wifi)"
        ]
    );
    assert_eq!(
        c.call(&["/ip/route/print", "?comment=none"]).await,
        vec![vec!["!done"]]
    );
    let r = c
        .call(&["/system/resource/print", "=.proplist=version"])
        .await;
    assert!(attr(&r[0], "version").unwrap().starts_with("6.49"));
}

#[tokio::test]
async fn hundred_thousand_generated_routes() {
    let sim = start(SimConfig {
        routes: 100_000,
        leases: 1000,
        ..SimConfig::default()
    })
    .await;
    let mut c = logged_in(&sim).await;
    let r = c.call(&["/ip/route/print", "=count-only="]).await;
    let stored: u64 = {
        let r = c
            .call(&["/ip/route/print", "?bgp=false", "=count-only="])
            .await;
        attr(&r[0], "ret").unwrap().parse().unwrap()
    };
    assert_eq!(
        attr(&r[0], "ret").unwrap().parse::<u64>().unwrap(),
        100_000 + stored + 1
    );
    c.send(&["/ip/route/print", "=.proplist=.id,dst-address"])
        .await;
    let mut n = 0u64;
    let mut last = String::new();
    loop {
        let s = c.read().await.unwrap();
        if s[0] == "!done" {
            break;
        }
        assert_eq!(s.len(), 3);
        n += 1;
        last = attr(&s, "dst-address").unwrap().to_string();
    }
    assert_eq!(n, 100_000 + stored + 1);
    assert_eq!(last, "2.134.159.0/24");
    let r = c
        .call(&["/ip/route/print", "?dst-address=1.2.3.0/24"])
        .await;
    assert_eq!(rows(&r).len(), 1);
    let r = c
        .call(&[
            "/ip/dhcp-server/lease/print",
            "?server=guest",
            "=count-only=",
        ])
        .await;
    assert_eq!(attr(&r[0], "ret"), Some("1004"));
}

/// Generated rows go onto the wire two ways: straight (no query) and through a row the query
/// looks at. Both must give the same sentences, with and without `.proplist`.
#[tokio::test]
async fn generated_rows_are_the_same_with_and_without_a_query() {
    let sim = start(SimConfig {
        routes: 300,
        leases: 300,
        ..SimConfig::default()
    })
    .await;
    let mut c = logged_in(&sim).await;
    for (menu, everyone) in [
        ("/ip/route/print", "?routing-table"),
        ("/ip/dhcp-server/lease/print", "?.id"),
    ] {
        for proplist in [
            None,
            Some("=.proplist=disabled,.id,hw-offloaded,gateway,mac-address"),
        ] {
            let mut straight = vec![menu];
            straight.extend(proplist);
            let mut queried = straight.clone();
            queried.push(everyone);
            let a = c.call(&straight).await;
            let b = c.call(&queried).await;
            assert!(rows(&a).len() >= 300, "{menu}");
            assert_eq!(rows(&a), rows(&b), "{menu} {proplist:?}");
        }
    }
}
