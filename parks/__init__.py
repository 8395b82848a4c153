"""Places and organisations: regions, development zones and their parks, chains, towns."""
