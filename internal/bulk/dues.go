package bulk

import "fmt"

// dues writes a year of union dues for the last year: two members in
// five salaried, each branch collecting every month from its members of
// that month (nine in ten pay; the rest are in arrears), at the Union's
// rates, and sending its third up to its parent at the year's end, which
// confirms it.
func (gen *generator) dues() (int64, error) {
	ctx, tx := gen.ctx, gen.tx
	last := gen.opts.Years[len(gen.opts.Years)-1]
	if _, err := tx.Exec(ctx, `UPDATE members SET dues_category = 'SALARIED' WHERE id % 5 < 2`); err != nil {
		return 0, fmt.Errorf("dues categories: %w", err)
	}
	// Each active member pays their branch of today for the months since
	// they joined (the stays are not built yet: the figures step builds
	// them, and the dues' year rows from these collections).
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE gen_dues ON COMMIT DROP AS
		SELECT m.unit_id, m.id AS member_id, mo.month::date AS month,
			CASE m.dues_category WHEN 'UNSALARIED' THEN 2000 ELSE 5000 END::bigint AS amount
		FROM generate_series(make_date($1, 1, 1), make_date($1, 12, 1), interval '1 month') AS mo (month)
		JOIN members m ON m.status = 'ACTIVE' AND m.joined_on < mo.month + interval '1 month'
		WHERE (m.id + extract(month FROM mo.month)::int) % 10 <> 0`, last); err != nil {
		return 0, fmt.Errorf("dues of %d: %w", last, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO dues_collections (unit_id, collected_on, total, upward, member_months)
		SELECT unit_id, month::date + 24, sum(amount), round(sum(amount) / 3.0)::bigint, count(*)
		FROM gen_dues GROUP BY unit_id, month`); err != nil {
		return 0, fmt.Errorf("dues collections: %w", err)
	}
	tag, err := tx.Exec(ctx, `INSERT INTO dues_payments (collection_id, unit_id, member_id, month, amount)
		SELECT c.id, d.unit_id, d.member_id, d.month, d.amount
		FROM gen_dues d JOIN dues_collections c ON c.unit_id = d.unit_id AND c.collected_on = d.month::date + 24`)
	if err != nil {
		return 0, fmt.Errorf("dues payments: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO dues_remittances (unit_id, to_unit_id, amount, sent_on, status, answered_on, onward)
		SELECT c.unit_id, u.parent_id, sum(c.upward), make_date($1, 12, 28), 'CONFIRMED', make_date($1, 12, 30),
			round(sum(c.upward) / 3.0)::bigint
		FROM dues_collections c JOIN units u ON u.id = c.unit_id
		WHERE u.parent_id IS NOT NULL AND c.collected_on BETWEEN make_date($1, 1, 1) AND make_date($1, 12, 31)
		GROUP BY c.unit_id, u.parent_id`, last); err != nil {
		return 0, fmt.Errorf("dues remittances: %w", err)
	}
	return tag.RowsAffected(), nil
}
