// The year-end tile of a dashboard: the unit's figures and part of its
// yearly report (báo cáo tổng kết).
import { graphql } from 'relay-runtime';

export const reportTileQuery = graphql`
  query ReportTileQuery($unitId: ID!, $year: Int!) {
    unit(id: $unitId) {
      name
      stats(year: $year) {
        members {
          active
        }
        activities
        participations
        volunteerHours
        contributionValue
      }
    }
    yearlyReport(unitId: $unitId, year: $year) {
      year
      members {
        atYearEnd
        female
        admitted
      }
      workAreas {
        workArea
        activities
        share
      }
      previous {
        total {
          activities
        }
      }
    }
  }
`;

// The same tile with the slower figures deferred: the name paints at once,
// the stats follow in the same response (multipart/mixed).
export const unitStatsFragment = graphql`
  fragment ReportTile_stats on Unit {
    stats(year: $year) {
      activities
      volunteerHours
      contributionValue
    }
  }
`;

export const reportTileDeferredQuery = graphql`
  query ReportTileDeferredQuery($unitId: ID!, $year: Int!) {
    unit(id: $unitId) {
      name
      ...ReportTile_stats @defer(label: "stats")
    }
  }
`;
