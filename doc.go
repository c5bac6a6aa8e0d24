// Package cimkit is an embeddable customer-data library.
package cimkit
