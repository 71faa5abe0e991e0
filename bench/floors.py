"""Hand-written SQL shared by the benchmarks' floors."""

# A manager's opportunities as the app decides them (org.permissions, sales.access): own, the
# subtree's units, and what shares, deal teams and account-team places give the subtree's people.
# Parameters: uid, path, path_prefix (path + ".%"), ct (the opportunity's content type).
_OPPORTUNITY_REACH = """
    AND (o.owner_id = %(uid)s
         OR o.org_unit_id = ANY(ARRAY(SELECT id FROM org_orgunit WHERE deleted_at IS NULL
                                      AND (path = %(path)s OR path LIKE %(path_prefix)s)))
         OR o.id = ANY(ARRAY(SELECT s.object_id FROM core_share s LEFT JOIN org_team t ON t.id = s.team_id
                             WHERE s.content_type_id = %(ct)s
                               AND (s.employee_id IN (SELECT id FROM people)
                                    OR (t.deleted_at IS NULL AND (t.leader_id IN (SELECT id FROM people)
                                        OR t.id IN (SELECT team_id FROM org_team_members
                                                    WHERE employee_id IN (SELECT id FROM people)))))))
         OR o.id = ANY(ARRAY(SELECT m.opportunity_id FROM sales_opportunityteammember m
                             WHERE m.deleted_at IS NULL AND m.employee_id IN (SELECT id FROM people)))
         OR (o.customer_id = ANY(ARRAY(SELECT a.customer_id FROM customers_accountteammember a
                                       WHERE a.deleted_at IS NULL AND a.employee_id IN (SELECT id FROM people)))
             AND (o.customer_id, o.product_line_id) IN (
                 SELECT a.customer_id, a.product_line_id FROM customers_accountteammember a
                 WHERE a.deleted_at IS NULL AND a.employee_id IN (SELECT id FROM people))))
"""


def opportunity_scope(columns, where=""):
    """`WITH people …, o AS (…)`: the columns of the opportunities the manager reaches, `where`
    ("AND …") narrowing them; the query that follows reads `o`."""
    return ("""
WITH people AS MATERIALIZED (
  SELECT e.id FROM org_employee e JOIN org_orgunit u ON u.id = e.unit_id
  WHERE u.path = %(path)s OR u.path LIKE %(path_prefix)s
),
o AS MATERIALIZED (
  SELECT """ + columns + """ FROM sales_opportunity o
  WHERE o.deleted_at IS NULL """ + where + _OPPORTUNITY_REACH + """
)
""")


# The funnel's "reached" counts, after opportunity_scope(…) has defined `o`: per open or won stage
# of the pipeline, the deals whose furthest stage (current or any stage change) is at least it.
FUNNEL_REACHED_TAIL = """
, steps AS MATERIALIZED (
  SELECT id, "order" FROM sales_stage
  WHERE pipeline_id = %(pipeline)s AND kind IN ('open', 'won') AND deleted_at IS NULL
),
furthest AS MATERIALIZED (
  SELECT GREATEST(COALESCE(MAX(hs."order"), -1), COALESCE(MAX(cs."order"), -1)) AS n
  FROM o LEFT JOIN steps cs ON cs.id = o.stage_id
  LEFT JOIN sales_stagechange c ON c.opportunity_id = o.id LEFT JOIN steps hs ON hs.id = c.to_stage_id
  GROUP BY o.id
)
SELECT s.id, (SELECT COUNT(*) FROM furthest WHERE n >= s."order") FROM steps s
"""
