package member

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/validate"
)

// MaxListBytes bounds an uploaded member list.
const MaxListBytes = 20 << 20

// SaveList keeps an uploaded member list for its uploader to import, for a
// day (in the database, so any server can read it), and forgets older ones.
func (s *Store) SaveList(ctx context.Context, accountID int64, fileName string, data []byte) (int64, error) {
	var v validate.Errors
	if len(data) == 0 {
		v.Add(validate.Path("file"), validate.Required, "Tệp trống.", "The file is empty.")
	}
	if len(data) > MaxListBytes {
		v.Add(validate.Path("file"), validate.TooLong, "Tệp quá lớn (tối đa 20 MB).", "The file is too large (20 MB at most).")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	if len([]rune(fileName)) > 300 {
		fileName = string([]rune(fileName)[:300])
	}
	var id int64
	err := s.pool.QueryRow(ctx, `WITH gone AS (DELETE FROM member_list_uploads WHERE created_at < now() - interval '1 day')
		INSERT INTO member_list_uploads (account_id, file_name, data) VALUES ($1, nullif($2, ''), $3) RETURNING id`,
		accountID, fileName, data).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("save member list: %w", err)
	}
	return id, nil
}

// UploadedList returns an uploaded member list, if accountID uploaded it within
// the day; else a NOT_FOUND error on field.
func (s *Store) UploadedList(ctx context.Context, id, accountID int64, field []string) ([]byte, error) {
	var data []byte
	err := s.pool.QueryRow(ctx, `SELECT data FROM member_list_uploads
		WHERE id = $1 AND account_id = $2 AND created_at >= now() - interval '1 day'`, id, accountID).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		var v validate.Errors
		v.Add(field, validate.NotFound, "Không tìm thấy tệp đã tải lên (tệp chỉ giữ một ngày, cho người đã tải).",
			"No such upload (an upload is kept a day, for whoever sent it).")
		return nil, v.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("read member list %d: %w", id, err)
	}
	return data, nil
}
