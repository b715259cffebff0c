// A branch's member list, as a Relay dashboard writes it: a fragment on the
// unit, paginated with @connection and refetched (next pages, another
// search) through node(id:), since Unit implements Node.
import { graphql } from 'relay-runtime';

export const memberListFragment = graphql`
  fragment MemberList_unit on Unit
  @refetchable(queryName: "MemberListPaginationQuery")
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 10 }
    cursor: { type: "String" }
    search: { type: "String" }
  ) {
    name
    members(first: $count, after: $cursor, filter: { search: $search })
      @connection(key: "MemberList_members", filters: ["filter"]) {
      totalCount
      edges {
        node {
          id
          fullName
          position
          status
          joinedOn
        }
      }
    }
  }
`;

export const memberListQuery = graphql`
  query MemberListQuery($unitId: ID!) {
    unit(id: $unitId) {
      id
      ...MemberList_unit
    }
  }
`;
