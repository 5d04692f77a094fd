use super::*;
use crate::secrets::Kinds;

/// The findings in `text` with the default detectors (documentation examples left out).
fn kinds(text: &str) -> Vec<(Kind, &str)> {
    let mut out = Vec::new();
    find(text, KeyHints::default(), Kinds::default(), &mut out);
    out.iter()
        .map(|h| (h.kind, &text[h.start..h.end]))
        .filter(|(k, m)| !is_example(*k, m))
        .collect()
}

#[test]
fn keys_with_known_prefixes() {
    let openai = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";
    let ant = "sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa-AA";
    let google = "AIzaSyD3fG7hJ9kL1mN3pQ5rS7tV9wX1yZ3bC5d";
    assert_eq!(google.len(), 39);
    let gh = "ghp_1A2b3C4d5E6f7G8h9I0j1K2l3M4n5O6p7Q8r";
    let text = format!(
        "key={openai}; other \"{ant}\" g:{google} AKIAZ7Q3WQ4KEY9RT2LM gh {gh} \
             xoxb-123456789012-abcdefABCDEF sk_live_4eC39HqLyjWDarjtT1zdp7dc"
    );
    let found = kinds(&text);
    let k: Vec<Kind> = found.iter().map(|f| f.0).collect();
    assert_eq!(
        k,
        [
            Kind::OpenAiKey,
            Kind::AnthropicKey,
            Kind::GoogleApiKey,
            Kind::AwsAccessKeyId,
            Kind::GithubToken,
            Kind::SlackToken,
            Kind::StripeKey
        ],
        "{found:?}"
    );
    assert_eq!(found[0].1, openai);
}

#[test]
fn jwt_needs_a_header_with_alg() {
    let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    assert_eq!(kinds(&format!("t={jwt}")), [(Kind::Jwt, jwt)]);
    // `{"typ":"x"}` has no alg.
    assert!(kinds("eyJ0eXAiOiJ4In0.eyJhIjoxfQ.sig").is_empty());
}

#[test]
fn pem_blocks_whole_or_cut() {
    let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----";
    assert_eq!(kinds(&format!("x {pem} y")), [(Kind::PrivateKey, pem)]);
    assert_eq!(
        kinds("-----BEGIN PRIVATE KEY-----\nMIIE"),
        [(Kind::PrivateKey, "-----BEGIN PRIVATE KEY-----\nMIIE")]
    );
    assert!(kinds("-----BEGIN CERTIFICATE-----\nMIIE\n-----END CERTIFICATE-----").is_empty());
}

#[test]
fn authorization_and_urls() {
    assert_eq!(
        kinds("Authorization: Bearer abc123def456ghi789"),
        [(Kind::BearerToken, "abc123def456ghi789")]
    );
    assert_eq!(
        kinds("\"authorization\": \"Basic dXNlcjpwYXNz\""),
        [(Kind::BasicAuth, "dXNlcjpwYXNz")]
    );
    assert_eq!(
        kinds("postgres://admin:s3cr3t!@db.internal:5432/app"),
        [(Kind::BasicAuth, "admin:s3cr3t!")]
    );
    assert!(kinds("https://username:password@www.example.com/").is_empty());
    assert!(kinds("https://host:8080/path and the bearer of the news").is_empty());
    assert!(kinds("see /authorization/code and authorization_code grants").is_empty());
}

#[test]
fn emails_but_not_documentation_or_files() {
    assert_eq!(
        kinds("mail jane.doe@acme-corp.io now"),
        [(Kind::Email, "jane.doe@acme-corp.io")]
    );
    for clean in [
        "joe@example.com",
        "logo@2x.png",
        "git@github.com:org/repo",
        "npm i pkg@1.2.3",
        "@decorator here",
        "a@b",
        "user@localhost",
        "x@host.test",
    ] {
        assert!(kinds(clean).is_empty(), "{clean}");
    }
}

#[test]
fn phones_are_conservative() {
    assert_eq!(
        kinds("call +1 415-555-2671 now"),
        [(Kind::Phone, "+1 415-555-2671")]
    );
    assert_eq!(
        kinds("Phone: (555) 123-4567"),
        [(Kind::Phone, "(555) 123-4567")]
    );
    for clean in [
        "2024-01-01T00:00:00+00:00",
        "took 5551234567 ns",
        "ids 555-123-4567",
        "1700000000123",
        "+123",
    ] {
        assert!(kinds(clean).is_empty(), "{clean}");
    }
}

#[test]
fn cards_need_luhn_issuer_and_shape_or_context() {
    assert_eq!(
        kinds("pay with 4111 1111 1111 1111."),
        [(Kind::PaymentCard, "4111 1111 1111 1111")]
    );
    assert_eq!(
        kinds("card number 5555555555554444"),
        [(Kind::PaymentCard, "5555555555554444")]
    );
    for clean in [
        "4111111111111111",             // no context
        "4111 1111 1111 1112",          // fails Luhn
        "1750000000000000000",          // a timestamp
        "card 12345678901234567890123", // too long
        "4111 1111 1111 1111 2222",     // part of a longer run
        "v4111111111111111",
    ] {
        assert!(kinds(clean).is_empty(), "{clean}");
    }
    let mut out = Vec::new();
    find(
        "4111111111111111",
        KeyHints {
            card: true,
            phone: false,
            ssn: false,
        },
        Kinds::ALL,
        &mut out,
    );
    assert_eq!(out.len(), 1);
}

#[test]
fn ibans_checked() {
    assert_eq!(
        kinds("IBAN DE89 3704 0044 0532 0130 00, thanks"),
        [(Kind::Iban, "DE89 3704 0044 0532 0130 00")]
    );
    assert_eq!(
        kinds("GB82WEST12345698765432"),
        [(Kind::Iban, "GB82WEST12345698765432")]
    );
    assert!(kinds("GB83WEST12345698765432").is_empty());
}

#[test]
fn ids_hashes_and_numbers_are_clean() {
    for clean in [
        "0af7651916cd43dd8448eb211c80319c",
        "b7ad6b7169203331",
        "123e4567-e89b-12d3-a456-426614174000",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "2025-06-15T15:06:40.123456789Z",
        "1750000000123456789",
        "gen_ai.usage.output_tokens 4096",
        "sk-learn is a library; task-1234",
        "trace 340282366920938463463374607431768211455",
        "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    ] {
        assert!(kinds(clean).is_empty(), "{clean}: {:?}", kinds(clean));
    }
}

#[test]
fn more_token_families() {
    let gitlab = "glpat-xY3kP9qLm2Nv8Rt4Wz6B";
    let runner = "glrt-t1_Ab3dEf6hIj9kLm2nOp5q";
    let hf = "hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh";
    let npm = "npm_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z7C9d";
    assert_eq!(npm.len(), 40);
    let xapp = "xapp-1-A0123ABCD45-1234567890123-0a1b2c3d4e5f";
    let text = format!("gl {gitlab}; ci {runner} HF_TOKEN={hf} //registry:_authToken={npm} {xapp}");
    assert_eq!(
        kinds(&text),
        [
            (Kind::GitlabToken, gitlab),
            (Kind::GitlabToken, runner),
            (Kind::HuggingfaceToken, hf),
            (Kind::NpmToken, npm),
            (Kind::SlackToken, xapp),
        ]
    );
    // The same prefixes in ordinary words and short ids are not tokens.
    for clean in [
        "glpat-docs and gldt-howto",
        "hf_model_name_v2 hf_hub_download",
        "npm_config_cache npm_package_version",
        "xapp-settings-page",
    ] {
        assert!(kinds(clean).is_empty(), "{clean}: {:?}", kinds(clean));
    }
}

#[test]
fn slack_webhooks_whole() {
    let url = "https://hooks.slack.com/services/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";
    let text = format!("POST {url} with {{\"text\":\"deployed\"}}");
    assert_eq!(kinds(&text), [(Kind::SlackWebhook, url)]);
    // The docs page and a path without the secret are not webhooks.
    assert!(kinds("see https://api.slack.com/messaging/webhooks for setup").is_empty());
    assert!(kinds("https://hooks.slack.com/services/ is the base").is_empty());
}

#[test]
fn aws_secret_keys_after_their_name() {
    let secret = "wJa1rXUtnFEMI/K7MDENG/bPxRfiCYz9xq3KEYab";
    assert_eq!(secret.len(), 40);
    for text in [
        format!(
            "[default]\naws_access_key_id = AKIAZ7Q3EXAMPLE4KEY9\naws_secret_access_key = {secret}\n"
        ),
        format!("export AWS_SECRET_ACCESS_KEY={secret}"),
        format!("AWS_SECRET_ACCESS_KEY=\"{secret}\""),
        format!("{{\"aws_secret_access_key\": \"{secret}\"}}"),
        format!("aws_secret_key: '{secret}'"),
    ] {
        let found = kinds(&text);
        assert!(
            found.contains(&(Kind::AwsSecretKey, secret)),
            "{text}: {found:?}"
        );
    }
    // Named but not a key: too short, a placeholder, a sentence.
    for clean in [
        "aws_secret_access_key = changeme",
        "AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}",
        "set aws_secret_access_key in your profile",
    ] {
        assert!(kinds(clean).is_empty(), "{clean}: {:?}", kinds(clean));
    }
}

#[test]
fn url_passwords_with_raw_hashes_and_slashes_are_whole() {
    for (url, creds) in [
        (
            "postgres://app:p#ss/w0rd@db.acme-corp.io:5432/orders",
            "app:p#ss/w0rd",
        ),
        ("mysql://root:Zq/9#x?Lm2@10.0.0.5/db", "root:Zq/9#x?Lm2"),
        (
            "mongodb+srv://svc:Ab#12/cd@cluster0.acme.mongodb.net/x",
            "svc:Ab#12/cd",
        ),
        ("redis://:s3cr#t/pw@cache:6379/0", ":s3cr#t/pw"),
        (
            "amqp://guest:g#u/est9@mq.acme-corp.io/vhost",
            "guest:g#u/est9",
        ),
        (
            "https://jane:Xy#7/pq@git.acme-corp.io/repo.git",
            "jane:Xy#7/pq",
        ),
    ] {
        let text = format!("connect to {url} now");
        assert_eq!(kinds(&text), [(Kind::BasicAuth, creds)], "{url}");
    }
    // A port, a path with an `@` in it, and no credentials at all are left alone.
    for clean in [
        "https://host.acme-corp.io:8443/users/@me",
        "postgres://db.acme-corp.io:5432/orders?sslmode=require",
        "https://example.org/a/b#frag@x",
    ] {
        assert!(
            kinds(clean).iter().all(|(k, _)| *k != Kind::BasicAuth),
            "{clean}: {:?}",
            kinds(clean)
        );
    }
}

#[test]
fn placeholders_are_template_slots_not_random_strings() {
    for slot in [
        "${DB_PASSWORD}",
        "$DB_PASSWORD",
        "$db_pass",
        "${PW:-changeme}",
        "{{ password }}",
        "{password}",
        "<password>",
        "%(password)s",
        "%PASSWORD%",
        "[REDACTED:secret_field]",
        "***",
        "null",
    ] {
        assert!(is_placeholder(slot.as_bytes()), "{slot}");
    }
    for secret in [
        "$xK9#mQ2!vL7pR4",
        "{Zk3$9qLm2Nv8Rt4Wz6B}x",
        "<9fK2m#Lq8>zz",
        "%7bQ9xLm2Nv8%21",
        "[aB3dE6hIj9kLm2nOp5q",
        "$aB3dE6hIj9kLm2nOp5qRs8",
    ] {
        assert!(!is_placeholder(secret.as_bytes()), "{secret}");
    }
    // Under a secret-named key a random value is a secret whatever its first character.
    let text = "postgres://app:$xK9mQ2vL7pR4@db.acme-corp.io/orders";
    assert_eq!(kinds(text), [(Kind::BasicAuth, "app:$xK9mQ2vL7pR4")]);
}

#[test]
fn secret_names_in_query_strings_headers_and_assignments() {
    for (text, value) in [
        ("GET /v1/x?api_key=q9Zr7Lm2Kx4T&limit=3", "q9Zr7Lm2Kx4T"),
        (
            "https://api.acme-corp.io/x?user=1&access_token=ya29Ab3dEf9hIj",
            "ya29Ab3dEf9hIj",
        ),
        (
            "POST /token\nx-api-key: 9f8e7d6c5b4a3210\n",
            "9f8e7d6c5b4a3210",
        ),
        (
            "HTTP/1.1 200 OK\nCookie: sid=Zx81kq; theme=dark\n",
            "sid=Zx81kq; theme=dark",
        ),
        ("export DB_PASSWORD=Tr0ub4dor&3", "Tr0ub4dor"),
        ("pwd = hunter22", "hunter22"),
        ("{'password': 'p@55w0rd!', 'user': 'x'}", "p@55w0rd!"),
        // In running text and after `=` (trace states), one word.
        ("could not store password: hunter2x now.", "hunter2x"),
        ("acme=t61rc,note=DB_PASSWORD=Gq5Tw8Ze1R", "Gq5Tw8Ze1R"),
    ] {
        let found = kinds(text);
        assert!(
            found
                .iter()
                .any(|(k, m)| *k == Kind::SecretField && *m == value),
            "{text}: {found:?}"
        );
    }
    for clean in [
        "max_tokens=4096",
        "token=abc",
        "see https://example.org/?page_token=abcdef123456",
        "the password: it must be long",
        "the password: required.",
        "a == b && password != null",
    ] {
        assert!(kinds(clean).is_empty(), "{clean}: {:?}", kinds(clean));
    }
}

#[test]
fn cards_and_ssns_in_key_paths() {
    assert_eq!(
        kinds("note.4539 1488 0343 6467"),
        [(Kind::PaymentCard, "4539 1488 0343 6467")]
    );
    assert_eq!(kinds("user.512-44-7319"), [(Kind::Ssn, "512-44-7319")]);
    // After a number's dot it is a fraction, not a card.
    assert!(kinds("3.4539 1488 0343 6467").is_empty());
}

#[test]
fn ssns_ips_and_encoded_emails() {
    assert_eq!(
        kinds("SSN 219-09-9999 on file"),
        [(Kind::Ssn, "219-09-9999")]
    );
    assert_eq!(kinds("ssn: 219099999"), [(Kind::Ssn, "219099999")]);
    for clean in [
        "000-12-3456",
        "666-12-3456",
        "912-12-3456",
        "219-00-9999",
        "order 219099999",
    ] {
        assert!(kinds(clean).is_empty(), "{clean}: {:?}", kinds(clean));
    }
    assert!(
        kinds("client 203.0.113.7 connected").is_empty(),
        "IPs are off by default"
    );
    let mut out = Vec::new();
    let on = Kinds::default().with(Kind::IpAddress);
    find(
        "client 203.0.113.7 and 2001:db8::7 via 127.0.0.1",
        KeyHints::default(),
        on,
        &mut out,
    );
    let ips: Vec<Kind> = out.iter().map(|h| h.kind).collect();
    assert_eq!(ips, [Kind::IpAddress, Kind::IpAddress]);
    assert_eq!(
        kinds("/unsubscribe?email=grace.lee%40acme-corp.io&x=1"),
        [(Kind::Email, "grace.lee%40acme-corp.io")]
    );
}

#[test]
fn false_matches_removed() {
    for clean in [
        "offset +1764633600",
        "took +1500000000 ns",
        "phone: 2025-12-01",
        "ssh deploy@build-01.acme-corp.io",
        "scp backup@db.acme-corp.io:/srv/dump.sql .",
    ] {
        assert!(kinds(clean).is_empty(), "{clean}: {:?}", kinds(clean));
    }
    // The documentation example key is matched (so export masks it) but is not a finding.
    let mut out = Vec::new();
    find(
        "key AKIAIOSFODNN7EXAMPLE",
        KeyHints::default(),
        Kinds::default(),
        &mut out,
    );
    assert_eq!(out.len(), 1);
    assert!(is_example(out[0].kind, "AKIAIOSFODNN7EXAMPLE"));
    assert!(kinds("key AKIAIOSFODNN7EXAMPLE").is_empty());
}

#[test]
fn keys_that_escape_by_shape() {
    // Wrapped onto the next line, cut at the end of the text.
    assert_eq!(
        kinds("key sk-proj-Rk3T9vXq2LmN8bW4\nyZ7cE1fH6jK0pS5uA3dG"),
        [(
            Kind::OpenAiKey,
            "sk-proj-Rk3T9vXq2LmN8bW4\nyZ7cE1fH6jK0pS5uA3dG"
        )]
    );
    assert_eq!(
        kinds("tail ghp_R7x2Lk9Qm4"),
        [(Kind::GithubToken, "ghp_R7x2Lk9Qm4")]
    );
}
