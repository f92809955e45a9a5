/** Version of the connectors in this package, shown by `GET /connector-plugins`. */
export const VERSION = '0.1.0'
