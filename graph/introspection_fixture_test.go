package graph_test

import "strings"

// The introspection queries of graphql-js 16 (getIntrospectionQuery), as
// GraphiQL, graphql-codegen, Rover and Postman send them: with the default
// options, and with every option on. Both come byte for byte from one
// template: an option left off leaves its line blank, as in graphql-js.

var (
	introspectionDefault = introspectionQuery(false)
	introspectionFull    = introspectionQuery(true)
)

func introspectionQuery(allOptions bool) string {
	on := func(s string) string {
		if allOptions {
			return s
		}
		return ""
	}
	return strings.NewReplacer(
		"{description}", on("description"),
		"{isRepeatable}", on("isRepeatable"),
		"{includeDeprecated}", on("(includeDeprecated: true)"),
		"{specifiedByURL}", on("specifiedByURL"),
		"{isDeprecated}", on("isDeprecated"),
		"{deprecationReason}", on("deprecationReason"),
		"{ofTypes}\n", ofTypes(9),
	).Replace(introspectionTemplate)
}

// ofTypes is the TypeRef fragment's ofType nested depth deep, indented as
// graphql-js prints it.
func ofTypes(depth int) string {
	var b strings.Builder
	for i := range depth {
		indent := strings.Repeat("  ", 3+i)
		b.WriteString(indent + "ofType {\n" + indent + "  name\n" + indent + "  kind\n")
	}
	for i := depth - 1; i >= 0; i-- {
		b.WriteString(strings.Repeat("  ", 3+i) + "}\n")
	}
	return b.String()
}

const introspectionTemplate = `
    query IntrospectionQuery {
      __schema {
        {description}
        queryType { name kind }
        mutationType { name kind }
        subscriptionType { name kind }
        types {
          ...FullType
        }
        directives {
          name
          description
          {isRepeatable}
          
          
          locations
          args{includeDeprecated} {
            ...InputValue
          }
        }
      }
    }

    fragment FullType on __Type {
      kind
      name
      description
      {specifiedByURL}
      
      fields(includeDeprecated: true) {
        name
        description
        args{includeDeprecated} {
          ...InputValue
        }
        type {
          ...TypeRef
        }
        isDeprecated
        deprecationReason
      }
      inputFields{includeDeprecated} {
        ...InputValue
      }
      interfaces {
        ...TypeRef
      }
      enumValues(includeDeprecated: true) {
        name
        description
        isDeprecated
        deprecationReason
      }
      possibleTypes {
        ...TypeRef
      }
    }

    fragment InputValue on __InputValue {
      name
      description
      type { ...TypeRef }
      defaultValue
      {isDeprecated}
      {deprecationReason}
    }

    fragment TypeRef on __Type {
      kind
      name
{ofTypes}
    }
  `
