/** Version of the S3 sink, shown by `GET /connector-plugins`. */
export const VERSION = '0.1.0'
