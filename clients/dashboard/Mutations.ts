// Signing in, and recording an activity.
import { graphql } from 'relay-runtime';

export const loginMutation = graphql`
  mutation LoginMutation($input: LoginInput!) {
    login(input: $input) {
      token
      expiresAt
      account {
        displayName
        roles {
          kind
          unit {
            id
            name
          }
        }
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`;

export const activityCreateMutation = graphql`
  mutation ActivityCreateMutation($input: ActivityCreateInput!) {
    activityCreate(input: $input) {
      activity {
        id
        title
        startsOn
        unit {
          shortName
        }
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`;
