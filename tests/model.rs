//! The static tables in `shapes` and `endpoint` against the model files they were written from,
//! so a constraint can neither be missed nor drift; and the order of every structure's members
//! against the order in which the AWS SDK for JavaScript writes them
//! (`fixtures/sdk-member-order.json`).

use std::collections::BTreeSet;

use agentcore_identity_edge::endpoint::{partition, PARTITIONS};
use agentcore_identity_edge::shapes::{
    modeled_error, operation, Fault, Shape, StringShape, StructShape, OPERATIONS,
};
use serde_json::Value;

fn model() -> Value {
    let text = include_str!("fixtures/aws-model/bedrock-agentcore-identity.json");
    serde_json::from_str(text).unwrap()
}

fn sdk_order() -> Value {
    let text = include_str!("fixtures/sdk-member-order.json");
    serde_json::from_str(text).unwrap()
}

fn check_string(model: &Value, name: &str, s: &StringShape) {
    let m = &model["shapes"][name];
    assert_eq!(m["type"], "string", "{name}");
    assert_eq!(s.name, name);
    assert_eq!(s.min.map(|v| v as u64), m["min"].as_u64(), "{name}.min");
    assert_eq!(s.max.map(|v| v as u64), m["max"].as_u64(), "{name}.max");
    assert_eq!(
        s.pattern.map(|p| p.source()),
        m["pattern"].as_str(),
        "{name}.pattern"
    );
    assert_eq!(
        s.sensitive,
        m["sensitive"].as_bool().unwrap_or(false),
        "{name}.sensitive"
    );
}

fn check_shape(model: &Value, name: &str, shape: Shape) {
    let m = &model["shapes"][name];
    match shape {
        Shape::String(s) => {
            assert!(m.get("enum").is_none(), "{name} is an enum in the model");
            check_string(model, name, s);
        }
        Shape::Enum(e) => {
            assert_eq!(e.name, name);
            let values: Vec<&str> = m["enum"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(e.values, values.as_slice(), "{name}");
        }
        Shape::Boolean => assert_eq!(m["type"], "boolean", "{name}"),
        Shape::Long => assert_eq!(m["type"], "long", "{name}"),
        Shape::List(l) => {
            assert_eq!(m["type"], "list");
            assert_eq!(l.name, name);
            assert!(
                m.get("min").is_none() && m.get("max").is_none(),
                "list {name} has length limits"
            );
            check_string(model, m["member"]["shape"].as_str().unwrap(), l.member);
        }
        Shape::Map(map) => {
            assert_eq!(m["type"], "map");
            assert_eq!(map.name, name);
            check_string(model, m["key"]["shape"].as_str().unwrap(), map.key);
            check_string(model, m["value"]["shape"].as_str().unwrap(), map.value);
        }
        Shape::Structure(s) => check_struct(model, name, s),
        _ => panic!("unexpected shape kind for {name}"),
    }
}

fn check_struct(model: &Value, name: &str, s: &StructShape) {
    let m = &model["shapes"][name];
    assert_eq!(m["type"], "structure", "{name}");
    assert_eq!(s.name, name);
    assert_eq!(
        s.union,
        m["union"].as_bool().unwrap_or(false),
        "{name}.union"
    );
    let members = m["members"].as_object().unwrap();
    let ours: Vec<&str> = s.members.iter().map(|m| m.name).collect();
    let mut sorted = ours.clone();
    sorted.sort_unstable();
    let mut theirs: Vec<&str> = members.keys().map(String::as_str).collect();
    theirs.sort_unstable();
    assert_eq!(sorted, theirs, "{name} members");
    let sdk = sdk_order();
    let sdk: Vec<&str> = sdk["structures"][name]
        .as_array()
        .unwrap_or_else(|| panic!("{name} missing from sdk-member-order.json"))
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(ours, sdk, "{name} members in the SDK's order");
    // The model's `required` list is in model order too.
    let required_in_order: Vec<&str> = m["required"]
        .as_array()
        .map(|r| r.iter().map(|v| v.as_str().unwrap()).collect())
        .unwrap_or_default();
    let ours_required: Vec<&str> = s
        .members
        .iter()
        .filter(|m| m.required)
        .map(|m| m.name)
        .collect();
    assert_eq!(
        ours_required, required_in_order,
        "{name} required (in order)"
    );
    let required: BTreeSet<&str> = m["required"]
        .as_array()
        .map(|r| r.iter().map(|v| v.as_str().unwrap()).collect())
        .unwrap_or_default();
    for member in s.members {
        assert_eq!(
            member.required,
            required.contains(member.name),
            "{name}.{} required",
            member.name
        );
        check_shape(
            model,
            members[member.name]["shape"].as_str().unwrap(),
            member.shape,
        );
    }
}

#[test]
fn operations_match_the_model() {
    let model = model();
    let ops = model["operations"].as_object().unwrap();
    assert_eq!(ops.len(), 7);
    assert_eq!(ops.len(), OPERATIONS.len());
    for (name, op) in ops {
        let ours = operation(name).unwrap_or_else(|| panic!("{name} missing"));
        assert_eq!(op["http"]["method"], "POST");
        assert_eq!(op["http"]["requestUri"], ours.path, "{name} path");
        check_struct(&model, op["input"]["shape"].as_str().unwrap(), ours.input);
        check_struct(&model, op["output"]["shape"].as_str().unwrap(), ours.output);
        for e in op["errors"].as_array().unwrap() {
            let code = e["shape"].as_str().unwrap();
            let shape = &model["shapes"][code];
            let ours = modeled_error(code).unwrap_or_else(|| panic!("{code} missing"));
            assert_eq!(
                u64::from(ours.status),
                shape["error"]["httpStatusCode"].as_u64().unwrap()
            );
            let server = shape["fault"].as_bool().unwrap_or(false);
            assert_eq!(ours.fault == Fault::Server, server, "{code} fault");
        }
    }
    assert_eq!(model["metadata"]["signingName"], "bedrock-agentcore");
}

#[test]
fn partitions_match_partitions_json() {
    let text = include_str!("fixtures/aws-model/partitions.json");
    let doc: Value = serde_json::from_str(text).unwrap();
    let parts = doc["partitions"].as_array().unwrap();
    assert_eq!(parts.len(), PARTITIONS.len());
    for (p, ours) in parts.iter().zip(PARTITIONS) {
        assert_eq!(p["id"], ours.id);
        let o = &p["outputs"];
        assert_eq!(o["dnsSuffix"], ours.dns_suffix);
        assert_eq!(o["dualStackDnsSuffix"], ours.dual_stack_dns_suffix);
        assert_eq!(o["supportsFIPS"], ours.supports_fips);
        assert_eq!(o["supportsDualStack"], ours.supports_dual_stack);
        for region in p["regions"].as_object().unwrap().keys() {
            assert_eq!(partition(region).id, ours.id, "{region}");
        }
        // The regex, applied to made-up regions, picks the same partition.
        let re = regex::Regex::new(p["regionRegex"].as_str().unwrap()).unwrap();
        for probe in [
            "us-east-9",
            "eu-central-7",
            "cn-south-1",
            "us-gov-north-1",
            "us-iso-north-1",
            "us-isob-north-1",
            "eu-isoe-north-1",
            "us-isof-north-1",
            "eusc-de-west-1",
            "xx-east-1",
            "us-east-1a",
            "us_east-1",
        ] {
            if re.is_match(probe) {
                assert_eq!(partition(probe).id, ours.id, "{probe}");
            }
        }
    }
    assert_eq!(
        partition("mars-1").id,
        "aws",
        "unknown regions fall back to aws"
    );
}

#[test]
fn every_structure_is_covered() {
    // Each structure (not error) the model file holds is reached from some operation's tables.
    fn walk(s: &'static StructShape, seen: &mut BTreeSet<&'static str>) {
        if seen.insert(s.name) {
            for m in s.members {
                if let Shape::Structure(inner) = m.shape {
                    walk(inner, seen);
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    for op in OPERATIONS {
        walk(op.input, &mut seen);
        walk(op.output, &mut seen);
    }
    let model = model();
    let structures: BTreeSet<&str> = model["shapes"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, v)| v["type"] == "structure" && v.get("error").is_none())
        .map(|(k, _)| k.as_str())
        .filter(|k| *k != "ValidationExceptionField")
        .collect();
    assert_eq!(seen, structures);
}

#[test]
fn long_members_take_safe_integers() {
    // A JSON number as the host's JSON.parse reads it, then the check the validators apply.
    use agentcore_identity_edge::value::is_safe_integer;
    let number = |text: &str| serde_json::from_str::<f64>(text).unwrap_or(f64::NAN);
    for ok in [
        "0",
        "-1",
        "1700000000000",
        "9007199254740991",
        "-9007199254740991",
        "1e3",
        "1.0",
    ] {
        assert!(is_safe_integer(number(ok)), "{ok}");
    }
    for bad in ["9007199254740992", "1.5", "1e300", "-0.5", "1e-3"] {
        assert!(!is_safe_integer(number(bad)), "{bad}");
    }
}
