//! The service model (`bedrock-agentcore-identity.json`) as static data.
//!
//! Every operation is described once here, and one generic validator, serialiser and reply parser
//! walk these tables. Members are listed in the Smithy model's order, which is the order in which the
//! AWS SDK for JavaScript v3 writes request bodies (its schemas list members in that order; the
//! botocore extract in `tests/fixtures/aws-model/` sorts them alphabetically). `tests/model.rs`
//! compares these tables with the model file member by member, and their order with
//! `tests/fixtures/sdk-member-order.json`.

use crate::pattern::Pattern;

/// A string shape's constraints.
#[derive(Debug)]
pub struct StringShape {
    /// The model's shape name.
    pub name: &'static str,
    /// Minimum length in Unicode code points.
    pub min: Option<usize>,
    /// Maximum length in Unicode code points.
    pub max: Option<usize>,
    /// Pattern the whole value must match.
    pub pattern: Option<Pattern>,
    /// Marked `sensitive` in the model: never echoed.
    pub sensitive: bool,
}

impl StringShape {
    /// Whether `s` has an admissible length (in code points) and matches the pattern.
    pub fn admits(&self, s: &str) -> bool {
        let len = s.chars().count();
        self.min.is_none_or(|min| len >= min)
            && self.max.is_none_or(|max| len <= max)
            && self.pattern.is_none_or(|p| p.matches(s))
    }
}

/// An enum shape.
#[derive(Debug)]
pub struct EnumShape {
    /// The model's shape name.
    pub name: &'static str,
    /// The allowed values.
    pub values: &'static [&'static str],
}

/// A list shape.
#[derive(Debug)]
pub struct ListShape {
    /// The model's shape name.
    pub name: &'static str,
    /// The member shape.
    pub member: &'static StringShape,
}

/// A map shape (string keys and values in this model).
#[derive(Debug)]
pub struct MapShape {
    /// The model's shape name.
    pub name: &'static str,
    /// The key shape.
    pub key: &'static StringShape,
    /// The value shape.
    pub value: &'static StringShape,
}

/// A structure or union member.
#[derive(Debug)]
pub struct Member {
    /// The member name, as on the wire.
    pub name: &'static str,
    /// Its shape.
    pub shape: Shape,
    /// Listed in the structure's `required`.
    pub required: bool,
}

/// A structure, or a union when `union` is set.
#[derive(Debug)]
pub struct StructShape {
    /// The model's shape name.
    pub name: &'static str,
    /// Members, in the model's order.
    pub members: &'static [Member],
    /// Exactly one member must be set.
    pub union: bool,
}

impl StructShape {
    /// The member called `name`.
    pub fn member(&self, name: &str) -> Option<&'static Member> {
        self.members.iter().find(|m| m.name == name)
    }
}

/// Any shape.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Shape {
    /// A string.
    String(&'static StringShape),
    /// A string enum.
    Enum(&'static EnumShape),
    /// A boxed boolean.
    Boolean,
    /// A boxed `long`: a whole number (JavaScript holds it exactly up to 2^53 - 1).
    Long,
    /// A list.
    List(&'static ListShape),
    /// A map.
    Map(&'static MapShape),
    /// A structure or union.
    Structure(&'static StructShape),
}

/// An operation: its HTTP binding and its input and output structures.
#[derive(Debug)]
pub struct Operation {
    /// The operation name.
    pub name: &'static str,
    /// The request path (`POST`, no query).
    pub path: &'static str,
    /// The input structure.
    pub input: &'static StructShape,
    /// The output structure.
    pub output: &'static StructShape,
}

/// Whether an error is the caller's or the service's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `$fault: "client"`.
    Client,
    /// `$fault: "server"`.
    Server,
}

/// An error shape the model declares.
#[derive(Debug)]
pub struct ModeledError {
    /// The error code, also the JS error's `name`.
    pub code: &'static str,
    /// Its HTTP status.
    pub status: u16,
    /// Whose fault it is.
    pub fault: Fault,
}

const fn string(
    name: &'static str,
    min: Option<usize>,
    max: Option<usize>,
    pattern: Option<Pattern>,
    sensitive: bool,
) -> StringShape {
    StringShape {
        name,
        min,
        max,
        pattern,
        sensitive,
    }
}

const fn member(name: &'static str, shape: Shape, required: bool) -> Member {
    Member {
        name,
        shape,
        required,
    }
}

/// `AccessTokenType`
pub static ACCESS_TOKEN: StringShape =
    string("AccessTokenType", Some(1), Some(131_072), None, true);
/// `ApiKeyType`
pub static API_KEY: StringShape = string("ApiKeyType", Some(1), Some(65_536), None, true);
/// `AudienceType`
pub static AUDIENCE: StringShape = string("AudienceType", Some(1), Some(2048), None, false);
/// `AuthorizationUrlType`
pub static AUTHORIZATION_URL: StringShape =
    string("AuthorizationUrlType", Some(1), None, None, true);
/// `CredentialProviderName`
pub static CREDENTIAL_PROVIDER_NAME: StringShape = string(
    "CredentialProviderName",
    Some(1),
    Some(128),
    Some(Pattern::CredentialProviderName),
    false,
);
/// `CustomRequestKeyType`
pub static CUSTOM_REQUEST_KEY: StringShape = string(
    "CustomRequestKeyType",
    Some(1),
    Some(256),
    Some(Pattern::CustomRequestKey),
    false,
);
/// `CustomRequestValueType`
pub static CUSTOM_REQUEST_VALUE: StringShape =
    string("CustomRequestValueType", Some(1), Some(2048), None, true);
/// `RequestUri`
pub static REQUEST_URI: StringShape = string(
    "RequestUri",
    Some(1),
    Some(1024),
    Some(Pattern::RequestUri),
    false,
);
/// `ResourceOauth2ReturnUrlType`
pub static RETURN_URL: StringShape = string(
    "ResourceOauth2ReturnUrlType",
    Some(1),
    Some(2048),
    Some(Pattern::ReturnUrl),
    false,
);
/// `ResourceType`
pub static RESOURCE: StringShape = string("ResourceType", Some(1), Some(2048), None, false);
/// `ScopeType`
pub static SCOPE: StringShape = string("ScopeType", Some(1), Some(128), None, false);
/// `State`
pub static STATE: StringShape = string("State", Some(1), Some(4096), None, true);
/// `UserIdType`
pub static USER_ID: StringShape = string("UserIdType", Some(1), Some(128), None, false);
/// `UserTokenType`
pub static USER_TOKEN: StringShape = string(
    "UserTokenType",
    Some(1),
    Some(131_072),
    Some(Pattern::UserToken),
    true,
);
/// `WorkloadIdentityNameType`
pub static WORKLOAD_NAME: StringShape = string(
    "WorkloadIdentityNameType",
    Some(3),
    Some(255),
    Some(Pattern::WorkloadName),
    false,
);
/// `WorkloadIdentityTokenType`
pub static WORKLOAD_TOKEN: StringShape = string(
    "WorkloadIdentityTokenType",
    Some(1),
    Some(131_072),
    None,
    true,
);

/// `Oauth2FlowType`
pub static OAUTH2_FLOW: EnumShape = EnumShape {
    name: "Oauth2FlowType",
    values: &["USER_FEDERATION", "M2M", "ON_BEHALF_OF_TOKEN_EXCHANGE"],
};
/// `SessionStatus`
pub static SESSION_STATUS: EnumShape = EnumShape {
    name: "SessionStatus",
    values: &["IN_PROGRESS", "FAILED"],
};

/// `AudiencesListType`
pub static AUDIENCES: ListShape = ListShape {
    name: "AudiencesListType",
    member: &AUDIENCE,
};
/// `ResourcesListType`
pub static RESOURCES: ListShape = ListShape {
    name: "ResourcesListType",
    member: &RESOURCE,
};
/// `ScopesListType`
pub static SCOPES: ListShape = ListShape {
    name: "ScopesListType",
    member: &SCOPE,
};
/// `CustomRequestParametersType`
pub static CUSTOM_PARAMETERS: MapShape = MapShape {
    name: "CustomRequestParametersType",
    key: &CUSTOM_REQUEST_KEY,
    value: &CUSTOM_REQUEST_VALUE,
};

/// `UserIdentifier` (a union)
pub static USER_IDENTIFIER: StructShape = StructShape {
    name: "UserIdentifier",
    members: &[
        member("userToken", Shape::String(&USER_TOKEN), false),
        member("userId", Shape::String(&USER_ID), false),
    ],
    union: true,
};

/// `GetResourceOauth2TokenRequest`
pub static GET_RESOURCE_OAUTH2_TOKEN_REQUEST: StructShape = StructShape {
    name: "GetResourceOauth2TokenRequest",
    members: &[
        member(
            "workloadIdentityToken",
            Shape::String(&WORKLOAD_TOKEN),
            true,
        ),
        member(
            "resourceCredentialProviderName",
            Shape::String(&CREDENTIAL_PROVIDER_NAME),
            true,
        ),
        member("scopes", Shape::List(&SCOPES), true),
        member("oauth2Flow", Shape::Enum(&OAUTH2_FLOW), true),
        member("sessionUri", Shape::String(&REQUEST_URI), false),
        member("resourceOauth2ReturnUrl", Shape::String(&RETURN_URL), false),
        member("forceAuthentication", Shape::Boolean, false),
        member("customParameters", Shape::Map(&CUSTOM_PARAMETERS), false),
        member("customState", Shape::String(&STATE), false),
        member("resources", Shape::List(&RESOURCES), false),
        member("audiences", Shape::List(&AUDIENCES), false),
    ],
    union: false,
};

/// `GetResourceOauth2TokenResponse`
pub static GET_RESOURCE_OAUTH2_TOKEN_RESPONSE: StructShape = StructShape {
    name: "GetResourceOauth2TokenResponse",
    members: &[
        member("authorizationUrl", Shape::String(&AUTHORIZATION_URL), false),
        member("accessToken", Shape::String(&ACCESS_TOKEN), false),
        member("sessionUri", Shape::String(&REQUEST_URI), false),
        member("sessionStatus", Shape::Enum(&SESSION_STATUS), false),
    ],
    union: false,
};

/// `CompleteResourceTokenAuthRequest`
pub static COMPLETE_RESOURCE_TOKEN_AUTH_REQUEST: StructShape = StructShape {
    name: "CompleteResourceTokenAuthRequest",
    members: &[
        member("userIdentifier", Shape::Structure(&USER_IDENTIFIER), true),
        member("sessionUri", Shape::String(&REQUEST_URI), true),
    ],
    union: false,
};

/// `CompleteResourceTokenAuthResponse`
pub static COMPLETE_RESOURCE_TOKEN_AUTH_RESPONSE: StructShape = StructShape {
    name: "CompleteResourceTokenAuthResponse",
    members: &[],
    union: false,
};

/// `GetResourceApiKeyRequest`
pub static GET_RESOURCE_API_KEY_REQUEST: StructShape = StructShape {
    name: "GetResourceApiKeyRequest",
    members: &[
        member(
            "workloadIdentityToken",
            Shape::String(&WORKLOAD_TOKEN),
            true,
        ),
        member(
            "resourceCredentialProviderName",
            Shape::String(&CREDENTIAL_PROVIDER_NAME),
            true,
        ),
    ],
    union: false,
};

/// `GetResourceApiKeyResponse`
pub static GET_RESOURCE_API_KEY_RESPONSE: StructShape = StructShape {
    name: "GetResourceApiKeyResponse",
    members: &[member("apiKey", Shape::String(&API_KEY), true)],
    union: false,
};

/// `GetWorkloadAccessTokenRequest`
pub static GET_WORKLOAD_ACCESS_TOKEN_REQUEST: StructShape = StructShape {
    name: "GetWorkloadAccessTokenRequest",
    members: &[member("workloadName", Shape::String(&WORKLOAD_NAME), true)],
    union: false,
};

/// `GetWorkloadAccessTokenForJWTRequest`
pub static GET_WORKLOAD_ACCESS_TOKEN_FOR_JWT_REQUEST: StructShape = StructShape {
    name: "GetWorkloadAccessTokenForJWTRequest",
    members: &[
        member("workloadName", Shape::String(&WORKLOAD_NAME), true),
        member("userToken", Shape::String(&USER_TOKEN), true),
    ],
    union: false,
};

/// `GetWorkloadAccessTokenForUserIdRequest`
pub static GET_WORKLOAD_ACCESS_TOKEN_FOR_USER_ID_REQUEST: StructShape = StructShape {
    name: "GetWorkloadAccessTokenForUserIdRequest",
    members: &[
        member("workloadName", Shape::String(&WORKLOAD_NAME), true),
        member("userId", Shape::String(&USER_ID), true),
    ],
    union: false,
};

const WORKLOAD_ACCESS_TOKEN_MEMBERS: &[Member] = &[member(
    "workloadAccessToken",
    Shape::String(&WORKLOAD_TOKEN),
    true,
)];

/// `GetWorkloadAccessTokenResponse`
pub static GET_WORKLOAD_ACCESS_TOKEN_RESPONSE: StructShape = StructShape {
    name: "GetWorkloadAccessTokenResponse",
    members: WORKLOAD_ACCESS_TOKEN_MEMBERS,
    union: false,
};
/// `GetWorkloadAccessTokenForJWTResponse`
pub static GET_WORKLOAD_ACCESS_TOKEN_FOR_JWT_RESPONSE: StructShape = StructShape {
    name: "GetWorkloadAccessTokenForJWTResponse",
    members: WORKLOAD_ACCESS_TOKEN_MEMBERS,
    union: false,
};
/// `GetWorkloadAccessTokenForUserIdResponse`
pub static GET_WORKLOAD_ACCESS_TOKEN_FOR_USER_ID_RESPONSE: StructShape = StructShape {
    name: "GetWorkloadAccessTokenForUserIdResponse",
    members: WORKLOAD_ACCESS_TOKEN_MEMBERS,
    union: false,
};

/// `CoinbaseCdpPaymentRequestBodyType`
pub static COINBASE_CDP_REQUEST_BODY: StringShape = string(
    "CoinbaseCdpPaymentRequestBodyType",
    Some(1),
    Some(16_384),
    Some(Pattern::PaymentRequestBody),
    false,
);
/// `PaymentRequestHostType`
pub static PAYMENT_REQUEST_HOST: StringShape = string(
    "PaymentRequestHostType",
    Some(1),
    Some(256),
    Some(Pattern::PaymentRequestHost),
    false,
);
/// `PaymentRequestPathType`
pub static PAYMENT_REQUEST_PATH: StringShape = string(
    "PaymentRequestPathType",
    Some(1),
    Some(2048),
    Some(Pattern::PaymentRequestPath),
    false,
);
/// `StripePrivyRequestBodyType`
pub static STRIPE_PRIVY_REQUEST_BODY: StringShape = string(
    "StripePrivyRequestBodyType",
    Some(1),
    Some(16_384),
    Some(Pattern::PaymentRequestBody),
    true,
);
/// `StripePrivyRequestHostType`
pub static STRIPE_PRIVY_REQUEST_HOST: StringShape = string(
    "StripePrivyRequestHostType",
    Some(1),
    Some(256),
    Some(Pattern::PaymentRequestHost),
    false,
);
/// `StripePrivyRequestPathType`
pub static STRIPE_PRIVY_REQUEST_PATH: StringShape = string(
    "StripePrivyRequestPathType",
    Some(1),
    Some(2048),
    Some(Pattern::PaymentRequestPath),
    false,
);
/// `CoinbaseCdpPaymentJwtTokenType`
pub static COINBASE_CDP_JWT: StringShape = string(
    "CoinbaseCdpPaymentJwtTokenType",
    Some(1),
    Some(8192),
    None,
    true,
);
/// `StripePrivyAppIdType`
pub static STRIPE_PRIVY_APP_ID: StringShape = string(
    "StripePrivyAppIdType",
    Some(1),
    Some(512),
    Some(Pattern::StripePrivyAppId),
    false,
);
/// `StripePrivyAuthorizationSignatureType`
pub static STRIPE_PRIVY_AUTHORIZATION_SIGNATURE: StringShape = string(
    "StripePrivyAuthorizationSignatureType",
    Some(1),
    Some(8192),
    None,
    true,
);
/// `StripePrivyBasicAuthTokenType`
pub static STRIPE_PRIVY_BASIC_AUTH_TOKEN: StringShape = string(
    "StripePrivyBasicAuthTokenType",
    Some(1),
    Some(8192),
    None,
    true,
);

/// `PaymentHttpMethodType`
pub static PAYMENT_HTTP_METHOD: EnumShape = EnumShape {
    name: "PaymentHttpMethodType",
    values: &["GET", "POST", "PUT", "DELETE", "PATCH"],
};

/// `CoinbaseCdpTokenRequestInput`
pub static COINBASE_CDP_TOKEN_REQUEST: StructShape = StructShape {
    name: "CoinbaseCdpTokenRequestInput",
    members: &[
        member("requestMethod", Shape::Enum(&PAYMENT_HTTP_METHOD), true),
        member("requestPath", Shape::String(&PAYMENT_REQUEST_PATH), true),
        member("requestHost", Shape::String(&PAYMENT_REQUEST_HOST), false),
        member("includeWalletAuthToken", Shape::Boolean, false),
        member(
            "requestBody",
            Shape::String(&COINBASE_CDP_REQUEST_BODY),
            false,
        ),
    ],
    union: false,
};

/// `StripePrivyTokenRequestInput`
pub static STRIPE_PRIVY_TOKEN_REQUEST: StructShape = StructShape {
    name: "StripePrivyTokenRequestInput",
    members: &[
        member(
            "requestPath",
            Shape::String(&STRIPE_PRIVY_REQUEST_PATH),
            true,
        ),
        member(
            "requestBody",
            Shape::String(&STRIPE_PRIVY_REQUEST_BODY),
            true,
        ),
        member(
            "requestHost",
            Shape::String(&STRIPE_PRIVY_REQUEST_HOST),
            false,
        ),
        member("includeAuthorizationSignature", Shape::Boolean, false),
    ],
    union: false,
};

/// `PaymentTokenRequestInput` (a union)
pub static PAYMENT_TOKEN_REQUEST: StructShape = StructShape {
    name: "PaymentTokenRequestInput",
    members: &[
        member(
            "coinbaseCdpTokenRequest",
            Shape::Structure(&COINBASE_CDP_TOKEN_REQUEST),
            false,
        ),
        member(
            "stripePrivyTokenRequest",
            Shape::Structure(&STRIPE_PRIVY_TOKEN_REQUEST),
            false,
        ),
    ],
    union: true,
};

/// `CoinbaseCdpTokenResponseOutput`
pub static COINBASE_CDP_TOKEN_RESPONSE: StructShape = StructShape {
    name: "CoinbaseCdpTokenResponseOutput",
    members: &[
        member("bearerToken", Shape::String(&COINBASE_CDP_JWT), true),
        member("walletAuthToken", Shape::String(&COINBASE_CDP_JWT), false),
    ],
    union: false,
};

/// `StripePrivyTokenResponseOutput`
pub static STRIPE_PRIVY_TOKEN_RESPONSE: StructShape = StructShape {
    name: "StripePrivyTokenResponseOutput",
    members: &[
        member("appId", Shape::String(&STRIPE_PRIVY_APP_ID), true),
        member(
            "basicAuthToken",
            Shape::String(&STRIPE_PRIVY_BASIC_AUTH_TOKEN),
            true,
        ),
        member(
            "authorizationSignature",
            Shape::String(&STRIPE_PRIVY_AUTHORIZATION_SIGNATURE),
            false,
        ),
        member("requestExpiry", Shape::Long, false),
    ],
    union: false,
};

/// `PaymentTokenResponseOutput` (a union)
pub static PAYMENT_TOKEN_RESPONSE: StructShape = StructShape {
    name: "PaymentTokenResponseOutput",
    members: &[
        member(
            "coinbaseCdpTokenResponse",
            Shape::Structure(&COINBASE_CDP_TOKEN_RESPONSE),
            false,
        ),
        member(
            "stripePrivyTokenResponse",
            Shape::Structure(&STRIPE_PRIVY_TOKEN_RESPONSE),
            false,
        ),
    ],
    union: true,
};

/// `GetResourcePaymentTokenRequest`
pub static GET_RESOURCE_PAYMENT_TOKEN_REQUEST: StructShape = StructShape {
    name: "GetResourcePaymentTokenRequest",
    members: &[
        member(
            "workloadIdentityToken",
            Shape::String(&WORKLOAD_TOKEN),
            true,
        ),
        member(
            "resourceCredentialProviderName",
            Shape::String(&CREDENTIAL_PROVIDER_NAME),
            true,
        ),
        member(
            "paymentTokenRequest",
            Shape::Structure(&PAYMENT_TOKEN_REQUEST),
            true,
        ),
    ],
    union: false,
};

/// `GetResourcePaymentTokenResponse`
pub static GET_RESOURCE_PAYMENT_TOKEN_RESPONSE: StructShape = StructShape {
    name: "GetResourcePaymentTokenResponse",
    members: &[member(
        "paymentTokenResponse",
        Shape::Structure(&PAYMENT_TOKEN_RESPONSE),
        true,
    )],
    union: false,
};

/// Every operation of the Identity data plane this package speaks.
pub static OPERATIONS: &[Operation] = &[
    Operation {
        name: "CompleteResourceTokenAuth",
        path: "/identities/CompleteResourceTokenAuth",
        input: &COMPLETE_RESOURCE_TOKEN_AUTH_REQUEST,
        output: &COMPLETE_RESOURCE_TOKEN_AUTH_RESPONSE,
    },
    Operation {
        name: "GetResourceApiKey",
        path: "/identities/api-key",
        input: &GET_RESOURCE_API_KEY_REQUEST,
        output: &GET_RESOURCE_API_KEY_RESPONSE,
    },
    Operation {
        name: "GetResourceOauth2Token",
        path: "/identities/oauth2/token",
        input: &GET_RESOURCE_OAUTH2_TOKEN_REQUEST,
        output: &GET_RESOURCE_OAUTH2_TOKEN_RESPONSE,
    },
    Operation {
        name: "GetResourcePaymentToken",
        path: "/identities/payment/token",
        input: &GET_RESOURCE_PAYMENT_TOKEN_REQUEST,
        output: &GET_RESOURCE_PAYMENT_TOKEN_RESPONSE,
    },
    Operation {
        name: "GetWorkloadAccessToken",
        path: "/identities/GetWorkloadAccessToken",
        input: &GET_WORKLOAD_ACCESS_TOKEN_REQUEST,
        output: &GET_WORKLOAD_ACCESS_TOKEN_RESPONSE,
    },
    Operation {
        name: "GetWorkloadAccessTokenForJWT",
        path: "/identities/GetWorkloadAccessTokenForJWT",
        input: &GET_WORKLOAD_ACCESS_TOKEN_FOR_JWT_REQUEST,
        output: &GET_WORKLOAD_ACCESS_TOKEN_FOR_JWT_RESPONSE,
    },
    Operation {
        name: "GetWorkloadAccessTokenForUserId",
        path: "/identities/GetWorkloadAccessTokenForUserId",
        input: &GET_WORKLOAD_ACCESS_TOKEN_FOR_USER_ID_REQUEST,
        output: &GET_WORKLOAD_ACCESS_TOKEN_FOR_USER_ID_RESPONSE,
    },
];

/// The operation called `name`.
pub fn operation(name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.name == name)
}

/// The errors every operation declares, with their HTTP status and fault.
pub static ERRORS: &[ModeledError] = &[
    ModeledError {
        code: "AccessDeniedException",
        status: 403,
        fault: Fault::Client,
    },
    ModeledError {
        code: "InternalServerException",
        status: 500,
        fault: Fault::Server,
    },
    ModeledError {
        code: "ResourceNotFoundException",
        status: 404,
        fault: Fault::Client,
    },
    ModeledError {
        code: "ThrottlingException",
        status: 429,
        fault: Fault::Client,
    },
    ModeledError {
        code: "UnauthorizedException",
        status: 401,
        fault: Fault::Client,
    },
    ModeledError {
        code: "ValidationException",
        status: 400,
        fault: Fault::Client,
    },
];

/// The modeled error with this code.
pub fn modeled_error(code: &str) -> Option<&'static ModeledError> {
    ERRORS.iter().find(|e| e.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_shape_admits_its_lengths_and_pattern_only() {
        let prefix = "urn:ietf:params:oauth:request_uri:";
        let longest = format!("{prefix}{}", "a".repeat(1024 - prefix.len()));
        assert!(REQUEST_URI.admits(&longest));
        assert!(!REQUEST_URI.admits(&format!("{longest}a")));
        assert!(!REQUEST_URI.admits(""));
        assert!(!REQUEST_URI.admits("urn:ietf:params:oauth:request_uri:a/b"));
    }
}
