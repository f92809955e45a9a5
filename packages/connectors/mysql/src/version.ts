/** Version of this package's plugins, shown by `GET /connector-plugins`. */
export const VERSION = '0.1.0'
