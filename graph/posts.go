package graph

import (
	"context"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/news"
)

// visiblePost returns a post if the caller may read it: published posts for
// everyone, others for the managers of its unit. An invisible post is
// simply not there.
func visiblePost(ctx context.Context, p *news.Post) (*news.Post, error) {
	if p == nil || p.Status == news.Published {
		return p, nil
	}
	viewer := access.From(ctx)
	if !viewer.SignedIn() {
		return nil, nil
	}
	u, err := loadOne(ctx, loaders(ctx).Unit, p.UnitID)
	if err != nil || u == nil || !viewer.Manages(u.Path) {
		return nil, err
	}
	return p, nil
}

// visiblePostByID is visiblePost for a post named by id.
func visiblePostByID(ctx context.Context, id int64) (*news.Post, error) {
	p, err := loadOne(ctx, loaders(ctx).Post, id)
	if err != nil {
		return nil, err
	}
	return visiblePost(ctx, p)
}

// postInput converts a post's input, decoding its IDs.
func postInput(in *model.PostInput) (news.Input, error) {
	out := news.Input{
		Title: in.Title, Slug: value(in.Slug), Summary: value(in.Summary), BodyMarkdown: in.BodyMarkdown,
		AuthorName: value(in.AuthorName), AuthorDepartment: value(in.AuthorDepartment), Tags: list(in.Tags),
	}
	var err error
	if out.ActivityID, err = optionalInputID(model.KindActivity, value(in.ActivityID), "post", "activityId"); err != nil {
		return out, err
	}
	if out.CoverPhotoID, err = optionalInputID(model.KindPhoto, value(in.CoverPhotoID), "post", "coverPhotoId"); err != nil {
		return out, err
	}
	for i, ph := range list(in.Photos) {
		id, err := inputID(model.KindPhoto, ph.PhotoID, "post", "photos", i, "photoId")
		if err != nil {
			return out, err
		}
		out.Photos = append(out.Photos, news.PostPhoto{PhotoID: id, Caption: value(ph.Caption)})
	}
	return out, nil
}
