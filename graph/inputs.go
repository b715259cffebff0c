package graph

import (
	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/award"
)

// Readers of nested mutation inputs. They live outside the *.resolvers.go
// files, which gqlgen rewrites.

func placeOf(in *model.PlaceInput) activity.Place {
	if in == nil {
		return activity.Place{}
	}
	return activity.Place{Text: value(in.Text), Commune: value(in.Commune), District: value(in.District), Province: value(in.Province)}
}

func beneficiariesOf(in *model.BeneficiariesInput) activity.Beneficiaries {
	if in == nil {
		return activity.Beneficiaries{}
	}
	return activity.Beneficiaries{Description: value(in.Description), Count: value(in.Count)}
}

func guestsOf(in []*model.GuestInput) []activity.Guest {
	out := make([]activity.Guest, len(in))
	for i, g := range in {
		out[i] = activity.Guest{Name: g.Name, Title: value(g.Title)}
	}
	return out
}

// issuerOf decodes a commendation's issuer input.
func issuerOf(in *model.CommendationIssuerInput) (award.Issuer, error) {
	if in == nil {
		return award.Issuer{}, nil
	}
	unitID, err := optionalInputID(model.KindUnit, value(in.UnitID), "issuer", "unitId")
	return award.Issuer{UnitID: unitID, Name: value(in.Name), Level: value(in.Level)}, err
}
