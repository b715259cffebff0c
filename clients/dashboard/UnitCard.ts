// A unit's card, refetched on its own by node(id:) (a Relay @refetchable
// fragment on a Node type).
import { graphql } from 'relay-runtime';

export const unitCardFragment = graphql`
  fragment UnitCard_unit on Unit @refetchable(queryName: "UnitCardRefetchQuery") {
    id
    name
    shortName
    level
    ancestors {
      shortName
    }
    children(first: 5) {
      totalCount
    }
  }
`;

export const unitFindQuery = graphql`
  query UnitFindQuery($search: String!) {
    units(filter: { search: $search }, first: 1) {
      edges {
        node {
          id
          ...UnitCard_unit
        }
      }
    }
  }
`;
