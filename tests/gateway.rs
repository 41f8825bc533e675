//! The SSH path to a cluster gateway, against the real test gateway (`scripts/engines/start-gateway.sh`: a
//! key-only sshd on 127.0.0.1 whose user has the real Hive 2.3.10 CLI and Spark SQL on its PATH; `scripts/test.sh`
//! starts it). Host keys are checked, files copied, commands run with their output and exit status.

mod common;
use common::{gateway_config, gateway_env};
use edxc::engine::hive::ssh::{Gateway, GatewayConfig};

fn config() -> GatewayConfig {
    gateway_config(&gateway_env())
}

fn err_text(r: Result<Gateway, anyhow::Error>) -> String {
    match r {
        Ok(_) => panic!("connected, but should have been refused"),
        Err(e) => format!("{e:#}"),
    }
}

#[test]
fn runs_commands_with_their_output_and_exit_status() {
    let gw = Gateway::connect(&config()).expect("connects to the test gateway");
    let mut lines = Vec::new();
    let exit =
        gw.run("echo out1; echo err1 >&2; echo out2; exit 3", &mut |err, l| lines.push((err, l.to_string()))).unwrap();
    assert_eq!(exit.status, 3);
    assert_eq!(exit.stderr, "err1\n");
    let out: Vec<&str> = lines.iter().filter(|(e, _)| !e).map(|(_, l)| l.as_str()).collect();
    assert_eq!(out, ["out1", "out2"]);
    // A command writing much more to stderr than a channel window holds still finishes.
    let exit = gw.run("head -c 3000000 /dev/zero | tr '\\0' x | fold -w 100 >&2; echo done", &mut |_, _| {}).unwrap();
    assert_eq!((exit.status, exit.stderr.lines().count()), (0, 30_000));
    assert_eq!(gw.output("echo $((6 * 7))").unwrap(), "42\n");
    assert!(gw.output("exit 5").unwrap_err().to_string().contains("exit 5"));
}

#[test]
fn copies_files() {
    let e = gateway_env();
    let gw = Gateway::connect(&config()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let local = tmp.path().join("x.hql");
    std::fs::write(&local, "SELECT 1;\n").unwrap();
    let remote = format!("{}/edxc-test-{}.hql", e["EDXC_GATEWAY_TMP"], std::process::id());
    gw.upload(&local, &remote, 0o644).unwrap();
    assert_eq!(gw.output(&format!("cat {remote}; rm {remote}")).unwrap(), "SELECT 1;\n");
}

#[test]
fn unknown_or_changed_host_keys_are_refused_with_the_fingerprint() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("known_hosts");
    std::fs::write(&empty, "").unwrap();
    let mut c = config();
    c.known_hosts = empty;
    let e = err_text(Gateway::connect(&c));
    assert!(e.contains("is not in") && e.contains("SHA256:") && e.contains("refusing"), "{e}");

    // The gateway's host names, with another server's keys.
    let other = tmp.path().join("other");
    let status = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&other)
        .status()
        .unwrap();
    assert!(status.success());
    let real = std::fs::read_to_string(config().known_hosts).unwrap();
    let mut changed = String::new();
    for line in real.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let host = line.split_whitespace().next().unwrap();
        for ty in ["ecdsa", "rsa"] {
            let key = tmp.path().join(format!("other-{ty}"));
            if !key.exists() {
                let bits: &[&str] = if ty == "rsa" { &["-b", "2048"] } else { &[] };
                std::process::Command::new("ssh-keygen")
                    .args(["-q", "-t", ty, "-N", ""])
                    .args(bits)
                    .arg("-f")
                    .arg(&key)
                    .status()
                    .unwrap();
            }
            let pubkey = std::fs::read_to_string(key.with_extension("pub")).unwrap();
            changed.push_str(&format!("{host} {}\n", pubkey.split_whitespace().take(2).collect::<Vec<_>>().join(" ")));
        }
        let pubkey = std::fs::read_to_string(other.with_extension("pub")).unwrap();
        changed.push_str(&format!("{host} {}\n", pubkey.split_whitespace().take(2).collect::<Vec<_>>().join(" ")));
    }
    let changed_file = tmp.path().join("changed");
    std::fs::write(&changed_file, changed).unwrap();
    let mut c = config();
    c.known_hosts = changed_file;
    let e = err_text(Gateway::connect(&c));
    assert!(e.contains("CHANGED") && e.contains("SHA256:"), "{e}");
}

#[test]
fn unreachable_gateways_and_refused_keys_are_one_clear_error() {
    let mut c = config();
    c.port = 1;
    let e = err_text(Gateway::connect(&c));
    assert!(e.contains("cannot reach the gateway") && e.contains("127.0.0.1:1"), "{e}");
    let tmp = tempfile::tempdir().unwrap();
    let key = tmp.path().join("stranger");
    std::process::Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(&key).status().unwrap();
    let mut c = config();
    c.key = key;
    let e = err_text(Gateway::connect(&c));
    assert!(e.contains("refused the key"), "{e}");
}

#[test]
fn hive_and_spark_sql_run_through_the_gateway() {
    let e = gateway_env();
    let gw = Gateway::connect(&config()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let local = tmp.path().join("q.hql");
    std::fs::write(&local, "SELECT concat('edxc', '-', 'gateway');\n").unwrap();
    let remote = format!("{}/edxc-q-{}.hql", e["EDXC_GATEWAY_TMP"], std::process::id());
    gw.upload(&local, &remote, 0o644).unwrap();
    for cli in [&e["EDXC_GATEWAY_HIVE"], &e["EDXC_GATEWAY_SPARK_SQL"]] {
        let out = gw.output(&format!("{cli} -f {remote}")).unwrap_or_else(|err| panic!("{cli}: {err:#}"));
        assert!(out.lines().any(|l| l == "edxc-gateway"), "{cli}: {out}");
    }
    let _ = gw.output(&format!("rm -f {remote}"));
}
