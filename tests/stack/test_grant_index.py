"""A role's grants, indexed by Resource prefix, answer exactly as reading every statement in order.

`ActionGrants` (policypack/rules/stack/access.py) files each statement's patterns by service and
literal prefix so that asking about one bucket or log group does not read the role's other
policies. The reference below is the plain reading it replaces; random roles, documents and
targets must get the same answer and the same evidence from both.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from policypack.core.graph import Node
from policypack.core.iam import PolicyDocument, Statement, has_unknown, known_strings
from policypack.core.props import UNKNOWN
from policypack.core.types import ROLE, ROLE_POLICY
from policypack.rules.stack import patterns as patterns_module
from policypack.rules.stack.access import MAYBE, NO, YES, RoleAccess, allows_action, find_grant
from policypack.rules.stack.patterns import MARKER, STAR, arn_pattern_reaches, has_policy_variable, literal, trigger_keys

PATTERNS = [
    "*", "arn:aws:s3:::*", "arn:aws:s3:::b/*", "arn:aws:s3:::b/in/*", "arn:aws:s3:::b/out/*", "arn:aws:s3:::b*",
    "arn:aws:s3:::c/*", "arn:aws:s3:::b/in/x.jpg", "arn:aws:s3:::b", "arn:aws:s3:*", "arn:aws:*:*:*:*",
    "arn:aws:s?:::b/*", "arn:aws:s3:::${aws:username}/*", "b/*", "arn:aws:s3:::b/*.png", "arn:aws:s3:::?/in/*",
    "arn:aws:logs:*:*:log-group:/aws/lambda/f:*", "arn:aws:logs:us-west-2:1:log-group:/aws/lambda/f",
    "arn:aws:logs:*:*:log-group:/aws/lambda/*", "arn:aws:logs:*:*:log-group:/aws/lambda/f:log-stream:*",
    "arn:aws:logs:*:*:*", "arn:aws:logs:*:*:log-group:/aws/lambda/g:*",
]
ACTIONS = ["s3:PutObject", "s3:*", "*", "s3:Get*", "logs:CreateLogStream", "logs:*", "logs:PutLogEvents", "sqs:*"]

def rarely(value, otherwise):
    """`otherwise`, or `value` one time in eight (unknowns everywhere make every answer MAYBE)."""
    return st.integers(0, 7).flatmap(lambda n: st.just(value) if n == 0 else otherwise)


patterns = st.one_of(st.sampled_from(PATTERNS), st.sampled_from(PATTERNS), st.text(alphabet="arn:aws3bcf/*?lg-", max_size=24))
entry_lists = st.lists(rarely(UNKNOWN, patterns), min_size=1, max_size=4).map(tuple)
action_lists = rarely(UNKNOWN, st.lists(rarely(UNKNOWN, st.sampled_from(ACTIONS)), min_size=1, max_size=3).map(tuple))


@st.composite
def statements(draw, index):
    negated_actions = draw(st.integers(0, 5)) == 0
    resources = draw(rarely(None, rarely(UNKNOWN, entry_lists)))
    not_resources = draw(entry_lists) if resources is None and draw(st.booleans()) else None
    actions = draw(action_lists)
    return Statement(index=index, effect=draw(rarely(UNKNOWN, st.sampled_from(["Allow", "Allow", "Allow", "Deny"]))),
                     actions=None if negated_actions else actions, not_actions=actions if negated_actions else None,
                     resources=resources, not_resources=not_resources, principal=None, not_principal=None,
                     condition=None)


@st.composite
def roles(draw):
    access = RoleAccess(Node(ROLE, "urn:role", "role", {}), open=draw(st.integers(0, 7)) == 0)
    for g in range(draw(st.integers(0, 6))):
        count = draw(st.integers(0, 5))
        document = PolicyDocument(statements=[draw(statements(i)) for i in range(count)],
                                  unknown=draw(st.integers(0, 7)) == 0)
        source = Node(ROLE_POLICY, f"urn:policy{draw(st.integers(0, 3))}", f"policy{g}", {})
        access.grant(source, f"policy{g}", document, sure=draw(st.booleans()))
    return access


s3_keys = st.builds(lambda b, p, s: ("s3", trigger_keys(b, p, s)), st.sampled_from(["b", "c", None]),
                   st.sampled_from(["", "in/", "out/", MARKER]), st.sampled_from(["", ".jpg"]))
log_group = st.builds(lambda name: ("logs", literal(f"log-group:{name}")), st.sampled_from(["/aws/lambda/f", "/aws/lambda/g"]))
log_stream = st.builds(lambda name: ("logs", literal(f"log-group:{name}:log-stream:") + [STAR]),
                       st.sampled_from(["/aws/lambda/f", "/aws/lambda/g"]))
targets = st.one_of(
    st.none(),
    st.lists(st.one_of(s3_keys, log_group, log_stream), min_size=1, max_size=2),
    st.tuples(log_group, log_stream).map(list),  # what CreateLogStream asks: the group or its streams
)


def reference(access, action, wanted, sure_only):
    """The grants read one statement at a time, as `find_grant` did before the index."""
    def reach(pattern):
        return wanted is None or any(arn_pattern_reaches(pattern, service, r) for service, r in wanted)

    answer = MAYBE if access.open else NO
    for grant in access.grants:
        if sure_only and not grant.sure:
            continue
        if not grant.document.valid and grant.document.unknown:
            answer = MAYBE
        for statement in grant.document.statements:
            allowed = allows_action(statement, action)
            if allowed == NO:
                continue
            reached, pattern = _reaches(statement, reach)
            if reached == NO:
                continue
            if allowed == YES and reached == YES and pattern is not None:
                return YES, (grant.source.urn, grant.path, statement.index, pattern)
            answer = MAYBE
    return answer, None


def _reaches(statement, reach):
    if statement.resources is not None:
        if statement.resources is UNKNOWN:
            return MAYBE, None
        unsure = has_unknown(statement.resources)
        for pattern in known_strings(statement.resources):
            if has_policy_variable(pattern):
                unsure = True
            elif reach(pattern):
                return YES, pattern
        return (MAYBE if unsure else NO), None
    if statement.not_resources is not None:
        return MAYBE, None
    return NO, None


@settings(max_examples=800, deadline=None, derandomize=True)
@given(roles(), st.sampled_from(["s3:PutObject", "logs:CreateLogStream"]), targets, st.booleans())
def test_indexed_grants_answer_as_the_statements_read_in_order(access, action, wanted, sure_only):
    answer, evidence = find_grant(access, action, wanted, sure_only)
    found = (answer, None if evidence is None else (evidence.grant.source.urn, evidence.grant.path,
                                                    evidence.statement.index, evidence.pattern))
    assert found == reference(access, action, wanted, sure_only)
    assert find_grant(access, action, wanted, sure_only) == (answer, evidence)  # kept, and the same


def test_a_role_with_a_thousand_policies_is_asked_about_one_log_group_without_reading_them_all(monkeypatch):
    access = RoleAccess(Node(ROLE, "urn:role", "role", {}))
    for i in range(1000):
        document = PolicyDocument(statements=[Statement(0, "Allow", ("logs:CreateLogStream",), None, (
            f"arn:aws:logs:*:*:log-group:/aws/lambda/f{i}:*",), None, None, None, None)])
        access.grant(Node(ROLE_POLICY, f"urn:p{i}", f"p{i}", {}), "policy", document, True)
    checked = []

    def counted(pattern, service, resource):
        checked.append(pattern)
        return arn_pattern_reaches(pattern, service, resource)

    monkeypatch.setattr(patterns_module, "arn_pattern_reaches", counted)
    stream = [("logs", literal("log-group:/aws/lambda/f700:log-stream:") + [STAR])]
    answer, evidence = find_grant(access, "logs:CreateLogStream", stream)
    assert (answer, evidence.grant.source.urn) == (YES, "urn:p700")
    assert checked == ["arn:aws:logs:*:*:log-group:/aws/lambda/f700:*"]
